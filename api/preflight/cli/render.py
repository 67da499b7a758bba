"""Human-readable output of reports for a terminal: the post with its spans marked."""
from __future__ import annotations

from rich.console import Console
from rich.text import Text

from preflight.report import Report
from preflight.packs.titles import fallback_title

STYLES = {"block": "bold white on red", "warning": "black on yellow", "info": "underline cyan"}
VERDICT_STYLES = {"pass": "bold green", "warn": "bold yellow", "block": "bold red"}


def render_report(report: Report, text: str, console: Console) -> None:
    """Print the verdict, the post with every span marked, and one line per finding."""
    console.print(Text(f"{report.verdict.upper()}", style=VERDICT_STYLES[report.verdict]), Text(f"  language: {report.language}", style="dim"))
    marked = Text(text.encode("utf-8", "replace").decode("utf-8"))
    for finding in report.findings:
        for span in finding.spans or (finding.span,):
            marked.stylize(STYLES[finding.severity], span.start, span.end)
    console.print(marked)
    if not report.findings:
        console.print(Text("No findings.", style="dim"))
    for number, finding in enumerate(report.findings, 1):
        line = Text(f"{number}. ")
        line.append(f"[{finding.severity}] ", style=STYLES[finding.severity])
        line.append(f"{finding.title or fallback_title(finding.rule)}: ", style="bold")
        line.append(finding.message)
        places = ", ".join(f"{span.start}-{span.end}" for span in finding.spans or (finding.span,))
        line.append(f"  {finding.rule} @ {places}", style="dim")
        console.print(line)
        for suggestion in finding.suggestions:
            console.print(Text(f"     → {suggestion}" if suggestion else "     → (remove it)", style="green"))
        for advice in finding.guidance:
            console.print(Text(f"     what to do: {advice}", style="cyan"))
