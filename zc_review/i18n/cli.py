"""Catalogue area ``cli`` (zh-CN). The command line: argparse help, command output and the demo runner.

Keys: error codes are bare snake_case names (they are ``ServiceError``/``RuleError`` codes, an API that
tests assert); every other text is ``cli.<name>``. Parameters in {braces}.
"""

from __future__ import annotations

AREA = "cli"

MESSAGES: dict[str, str] = {
    # -- error codes ---------------------------------------------------------------------------------------
    "demo_not_exported": "演示脚本未导出结果包。",
    # -- texts --------------------------------------------------------------------------------------------
    "cli.description": "职称评审封闭会议系统（离线）",
    "cli.home": "数据目录（默认为用户数据目录，或环境变量 ZC_REVIEW_HOME）",
    "cli.office": "组建单位办事机构：密钥、制作文件包、核验与导入结果包",
    "cli.keygen": "生成组建单位根证书与密钥",
    "cli.keys": "组建单位密钥目录",
    "cli.office_name": "组建单位名称",
    "cli.default_office_name": "青川市人力资源和社会保障局",
    "cli.pack": "校验申报与评委会资料，制作加密签名的会议文件包和凭证信函",
    "cli.secrets_out": "另存全部凭证（仅限演练/测试）",
    "cli.verify": "核验结果包（签名、解密、摘要、重算全部数字）",
    "cli.import": "核验并导入结果包到档案库",
    "cli.db": "档案库数据库地址（默认本机 SQLite）",
    "cli.rehearsal_archive": "导入演练结果包（演练档案库）",
    "cli.trust": "本机信任的组建单位根证书",
    "cli.trust_add": "导入组建单位根证书（请与信封上的指纹核对）",
    "cli.trust_list": "列出已信任的根证书指纹",
    "cli.open": "打开会议文件包，进入评审会议界面",
    "cli.out": "结果包与报告输出目录",
    "cli.run_script": "按脚本执行整场会议（演练与测试用）",
    "cli.results_json": "另将全部计算结果写入 JSON 文件（核对与回归测试用）",
    "cli.secrets": "凭证文件（office pack --secrets-out 所写）",
    "cli.demo": "在演示数据上运行整场会议（界面自动操作）",
    "cli.no_tui": "不经界面，直接通过服务层执行",
    "cli.interrupted": "已中断。已确认的操作均已保存，重新打开即可继续。",
    "cli.internal_error": "程序内部错误，操作未完成，已保存的数据不受影响。技术细节已写入 {path}，请交技术支持。",
    "cli.keygen_done": "已生成组建单位密钥：{path}\n根证书指纹：{fp}",
    "cli.pack_done": "已制作会议文件包：{package}（编号 {package_id}；评审专家 {reviewers} 人，申报人 {applicants} 人）\n凭证信函：{letters}",
    "cli.verify_title": "结果包核验（指纹 {fp}）",
    "cli.col_check": "检查项",
    "cli.col_result": "结果",
    "cli.col_detail": "说明",
    "cli.fail": "不通过",
    "cli.signers": "签署情况：",
    "cli.verify_ok": "结果包核验通过：全部签名有效，全部数字重算一致。",
    "cli.verify_failed": "结果包核验未通过，不得使用。",
    "cli.import_done": "已导入会议 {session}：申报人 {applicants} 人，通过 {passed} 人。",
    "cli.import_again": "会议 {session} 的同一结果包此前已导入，档案库未作任何改动。",
    "cli.trust_added": "已信任组建单位根证书，指纹：{fp}",
    "cli.bundle_written": "结果包：{path}\n结果包指纹：{fp}",
    "cli.results_title": "{committee} 表决结果",
    "cli.demo_keys_made": "已生成演示用组建单位密钥，根证书指纹：{fp}",
    "cli.demo_tui_start": "在真实界面中自动执行会议脚本（共 {n} 步）……",
    "cli.demo_paths": "会议记录（已签署）：{minutes}\n结果包：{bundle}\n结果包指纹：{fp}",
    "cli.demo_progress": "  第 {done}/{total} 步：{action}（已用 {seconds} 秒）",
    "cli.demo_done": "演示完成，用时 {seconds} 秒。",
    "cli.recover": "恢复：开启口令遗失时，用办事机构密钥重新签发评审包与两位开启人的新开启口令函",
    "cli.recover_done": "已重新签发评审包：{package}\n新评审包编号：{package_id}（取代 {old_id}；会场可在原会议数据上继续）\n新的开启口令函（主任委员、纪检监察人员）：{letters}\n旧评审包作废（登记簿已记为被取代，其结果包将被拒绝），请销毁旧开启口令函。",
    "cli.register": "登记：把本办事机构保存的评审包文件重新加入评审包签发登记簿（登记簿丢失或换电脑时）",
    "cli.register_packages": "本办事机构签发的评审包文件（可多个）",
    "cli.close": "会后清除：结果包导出并核验无误后，由主任委员与纪检监察人员共同清除本机的会议工作文件",
    "cli.bundle": "结果包文件（默认为导出时记录的位置）",
    "cli.prompt_chair_opening": "主任委员开启口令：",
    "cli.prompt_supervisor_opening": "纪检监察人员开启口令：",
    "cli.prompt_credential": "{role} {name} 的个人凭据：",
    "cli.close_done": "已清除会议 {session} 的工作文件（{files} 个文件，先覆写后删除）。\n保留的只有结果包：{bundle}\n指纹：{fp}",
    "cli.new_out": "新评审包的保存位置",
    "cli.file_missing": "文件不存在",
    "cli.close_secrets": "演练用凭据文件（office pack --secrets-out 写出的 JSON），代替逐项输入",
    "cli.pack_rehearsal": "打包为演练会议（演练：每屏横幅、文书加“演练”字样，正式档案库拒收结果包）",
}
