"""Plain-text rendering of a score document for the terminal."""

STATUS_MARK = {"on_track": "●", "at_risk": "◐", "off_track": "○", "no_data": "·", "out_of_range": "!"}


def _percent(value) -> str:
    return "   –  " if value is None else f"{value * 100:5.1f}%"


def _line(indent: int, record: dict, label: str) -> str:
    status = record["status"]
    counts = f"{record['children_with_data']}/{record['children']}" if record.get("children") else ""
    return f"{' ' * indent}{STATUS_MARK.get(status, '?')} {_percent(record['score'])}  {status:<12} {counts:>6}  {label}"


def render_table(document: dict) -> str:
    """Group strategic objectives by perspective, then OKR objectives and their key results by unit."""
    lines = [f"{document['organization']} as of {document['as_of']}", ""]
    lines.append("Scorecard by perspective")
    by_perspective: dict[str, list] = {}
    for objective in document["strategic_objectives"]:
        by_perspective.setdefault(objective["perspective"], []).append(objective)
    for perspective in document["perspectives"]:
        lines.append(_line(2, perspective, f"{perspective['name']} ({perspective['unit']})"))
        for objective in by_perspective.pop(perspective["perspective"], []):
            lines.append(_line(4, objective, f"{objective['key']}: {objective['name']}"))
    for leftover in by_perspective.values():
        for objective in leftover:
            lines.append(_line(4, objective, f"{objective['key']}: {objective['name']}"))

    lines += ["", "OKRs by unit"]
    key_results: dict[str, list] = {}
    for kr in document["key_results"]:
        key_results.setdefault(kr["objective"], []).append(kr)
    by_unit: dict[str, list] = {}
    for okr in document["okr_objectives"]:
        by_unit.setdefault(okr["unit"], []).append(okr)
    for unit in sorted(by_unit):
        lines.append(f"  {unit}")
        for okr in by_unit[unit]:
            lines.append(_line(4, okr, f"{okr['key']} [{okr['cycle']}]: {okr['name']}"))
            for kr in key_results.get(okr["key"], []):
                current = "" if kr["current"] is None else f" (current {kr['current']:g}, raw {_percent(kr['progress_raw']).strip()})"
                lines.append(_line(6, kr, f"{kr['key']}: {kr['name']}{current}"))

    lines += ["", "KPIs"]
    for kpi in document["kpis"]:
        actual = "no data" if kpi["actual"] is None else f"{kpi['actual']:g} {kpi['unit_of_measure']}".strip()
        lines.append(_line(2, kpi, f"{kpi['key']} [{kpi['period']}]: {actual}"))
    return "\n".join(lines) + "\n"
