"""Local rules of an invented provincial office: installed as a package with an entry point."""

from nianbao.engine import Finding, Rule, hookimpl


class TitleMentionsOffice(Rule):
    """The title must name the organ in full, ending with 局, 委员会, 办公室 or 人民政府.

    Why: the provincial office files reports by the organ's full name. How to fix: write the full name.
    """

    id = "GZ101"
    name = "title-full-organ-name"
    title = "标题须包含机关全称"
    severity = "warning"
    weight = 2

    def check(self, report, context):
        if report.agency and not report.agency.endswith(("局", "委员会", "办公室", "人民政府")):
            yield Finding(message=f"标题中的机关名称“{report.agency}”不是全称。", location={"section": "overview"})


class ContactPhone(Rule):
    """Section 六 must give a contact telephone number for disclosure questions.

    Why: a provincial requirement. How to fix: add 联系电话 to section 六.
    """

    id = "GZ102"
    name = "contact-phone"
    title = "第六部分须写明联系电话"
    severity = "info"
    weight = 1

    def check(self, report, context):
        other = report.section("other_matters")
        if other is not None and "电话" not in other.text:
            yield Finding(message="第六部分没有写联系电话。", location={"section": "other_matters"})


@hookimpl
def nianbao_rules():
    return [TitleMentionsOffice, ContactPhone]
