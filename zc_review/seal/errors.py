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
    """The file declares a format version this program does not read (a newer program made it)."""

    def __init__(self, version: int, supported: int = 1, kind: str = "file") -> None:
        super().__init__(f"{kind} format version {version} unsupported (supported: {supported})")
        self.version = version
        self.supported = supported
        self.message = t("seal.format_version", version=version, supported=supported)


class WorkFactorError(SealError):
    """age refused to run scrypt: the passphrase layer's work factor exceeds what this machine allows now.

    The secret was never tried, so this is not a wrong secret: rage (inside pyrage) times one small scrypt
    run at every decryption and refuses a layer whose work factor is more than 16 times that budget; a
    busy machine (CPU load, swapping) can make that one measurement slow. The message says so (catalogue
    ``seal.work_factor``); ``diagnostics()`` carries age's own text. Source: issue 12 §5.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.message = t("seal.work_factor")


class OpeningSecretError(SealError):
    """One opener's layer of a package that passed its signature check did not open with the secret typed.

    ``layer`` is ``"chair"`` (the outer layer: the supervisor's secret was not tried) or ``"supervisor"``
    (the inner layer: the chair's secret was right). Naming the layer tells nothing the file does not: the
    layers are age passphrase files anyone holding the package can try offline (docs/SECURITY.md "Which
    opening secret was wrong"). ``str(e)`` stays the generic text; the room words it (catalogue ``unlock``).
    """

    def __init__(self, layer: str, reason: str) -> None:
        super().__init__(reason)
        self.layer = layer
