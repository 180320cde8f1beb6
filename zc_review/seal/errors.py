"""The one opaque error raised by every failed unlock or verification in ``zc_review.seal``."""

from __future__ import annotations

from zc_review.i18n import t

#: The one text every failure shows (catalogue key ``seal.failed``).
GENERIC_MESSAGE = t("seal.failed")


class SealError(Exception):
    """Any failed unlock, decryption or verification (like Fernet's ``InvalidToken``).

    ``str(e)`` is the same Chinese message whatever failed, so a wrong secret and a
    tampered file look alike to whoever reads the screen. ``e.diagnostics()`` gives the
    internal reason (which check failed) for logs and the office's verify report.
    """

    message: str = GENERIC_MESSAGE

    def __init__(self, reason: str) -> None:
        super().__init__(self.message)
        self._reason = reason

    def __str__(self) -> str:
        return self.message

    def diagnostics(self) -> str:
        """Return the internal reason, e.g. ``"outer signature invalid"`` (English, for logs)."""
        return self._reason


class FormatVersionError(SealError):
    """The file declares a format version this program does not read.

    A newer version (a newer program made it) says to upgrade (``seal.format_version``); an older one (e.g. a
    session package of version 1, whose opening layers had the library's work factor) says the file must be
    made again by this program (``seal.format_version_old``).
    """

    def __init__(self, version: int, supported: int = 1, kind: str = "file") -> None:
        super().__init__(f"{kind} format version {version} unsupported (supported: {supported})")
        self.version = version
        self.supported = supported
        self.older = version < supported
        key = "seal.format_version_old" if self.older else "seal.format_version"
        self.message = t(key, version=version, supported=supported)


class WorkFactorError(SealError):
    """The machine refused the key derivation's work now, before the secret was tried: not a wrong secret.

    Two causes remain: rage (inside pyrage) refused the scrypt work factor of the office's passphrase-protected
    age identity (it times one small scrypt run at every decryption and refuses a work factor more than 16
    times that budget, so a busy machine can make it refuse); or the package's opening layers' scrypt (pinned
    at 64 MiB, never refused for its work factor) could not get its memory. The message says so (catalogue
    ``seal.work_factor``); ``diagnostics()`` carries the cause. Source: issue 12 §5.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.message = t("seal.work_factor")


class OpeningSecretError(SealError):
    """One opener's layer of a package that passed its signature check did not open with the secret typed.

    ``layer`` is ``"chair"`` (the outer layer: the supervisor's secret was not tried) or ``"supervisor"``
    (the inner layer: the chair's secret was right). Naming the layer tells nothing the file does not: the
    layers are age files, keyed by a pinned scrypt of the secret, that anyone holding the package can try offline (docs/SECURITY.md "Which
    opening secret was wrong"). ``str(e)`` stays the generic text; the room words it (catalogue ``unlock``).
    """

    def __init__(self, layer: str, reason: str) -> None:
        super().__init__(reason)
        self.layer = layer
