"""lint's output formats: text (`path:line:col: CODE message (card: topic)`), json, sarif,
github (workflow commands that annotate a pull request)."""

from . import keras_api
from .rules import BY_CODE, RULES

FORMATS = ("text", "json", "sarif", "github")


def where(path, finding):
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{path}:{cell}{finding.line}:{finding.col + 1}"


def fix_json(finding):
    if finding.fix is None:
        return None
    return {"applicability": finding.fix.safety, "message": finding.fix.description}


def as_dict(path, finding):
    return {"path": path, "cell": finding.cell, "line": finding.line, "col": finding.col + 1,
            "end_line": finding.end_line, "end_col": finding.end_col + 1, "rule": finding.rule,
            "severity": finding.severity, "message": finding.message, "card": finding.card,
            "fix": fix_json(finding)}


def text_line(path, finding):
    fixable = ""
    if finding.fix is not None:
        fixable = " [*]" if finding.fix.safety == "safe" else " [unsafe fix]"
    return (f"{where(path, finding)}: {finding.rule} {finding.message} "
            f"(card: {finding.card}){fixable}")


def render(results, output_format, summary=True):
    """`results`: [(path, [findings])] in order; the whole output as text."""
    rows = [(path, finding) for path, findings in results for finding in findings]
    if output_format in ("json", "sarif"):
        import json

    if output_format == "json":
        return json.dumps([as_dict(path, finding) for path, finding in rows], indent=2,
                          ensure_ascii=False) + "\n"
    if output_format == "sarif":
        return json.dumps(sarif(rows), indent=2, ensure_ascii=False) + "\n"
    if output_format == "github":
        return "".join(github(path, finding) + "\n" for path, finding in rows)
    lines = [text_line(path, finding) for path, finding in rows]
    if summary and rows:
        fixable = sum(1 for _, finding in rows if finding.fix and finding.fix.safety == "safe")
        lines.append(f"Found {len(rows)} finding{'s' if len(rows) != 1 else ''}"
                     + (f" ({fixable} fixable with --fix)" if fixable else "") + ".")
    return "".join(line + "\n" for line in lines)


def github_escape(text, property_value=False):
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github(path, finding):
    level = "error" if finding.severity == "error" else "warning"
    properties = (f"file={github_escape(path, True)},line={finding.line},"
                  f"col={finding.col + 1},endLine={finding.end_line},"
                  f"endColumn={finding.end_col + 1},title={finding.rule}")
    cell = f"cell {finding.cell}: " if finding.cell is not None else ""
    return (f"::{level} {properties}::"
            f"{github_escape(cell + finding.message + ' (card: ' + finding.card + ')')}")


def sarif(rows):
    used = sorted({finding.rule for _, finding in rows})
    rules = [{"id": code, "name": BY_CODE[code].name,
              "shortDescription": {"text": BY_CODE[code].summary},
              "defaultConfiguration": {"level": BY_CODE[code].severity},
              "properties": {"card": BY_CODE[code].card}} for code in used]
    results = []
    for path, finding in rows:
        region = {"startLine": finding.line, "startColumn": finding.col + 1,
                  "endLine": finding.end_line, "endColumn": finding.end_col + 1}
        result = {"ruleId": finding.rule, "ruleIndex": used.index(finding.rule),
                  "level": finding.severity, "message": {"text": finding.message},
                  "locations": [{"physicalLocation": {
                      "artifactLocation": {"uri": path}, "region": region}}],
                  "properties": {"card": finding.card}}
        if finding.cell is not None:
            result["properties"]["cell"] = finding.cell
        results.append(result)
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "cheatsheet lint",
                                          "informationUri": "https://keras.io/",
                                          "version": keras_api.version(), "rules": rules}},
                      "results": results}]}


def rules_table(as_json=False):
    if as_json:
        import json

        return json.dumps([{"rule": rule.code, "name": rule.name, "severity": rule.severity,
                            "card": rule.card, "summary": rule.summary, "fix": rule.fix}
                           for rule in RULES], indent=2) + "\n"
    lines = []
    for rule in RULES:
        fix = {"safe": "fix", "unsafe": "unsafe fix", None: ""}[rule.fix]
        lines.append(f"{rule.code}  {rule.severity:<7}  {rule.card:<17} {fix:<10}  "
                     f"{rule.summary}")
    return "\n".join(lines) + "\n"
