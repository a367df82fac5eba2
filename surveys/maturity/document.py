"""The maturity model as a plain-text document admins edit, its parser and its checks (pure).

    Model: Customer maturity model
    Level 1: Initial
    Dimension: Adoption
    Behaviour 2: Most licensed users sign in every week. [feature: dashboards] [article: weekly-habits]
    Question: How many of your licensed users use the product every week?
    - 1: Fewer than one in five

Lines starting with # are comments. Options belong to the question above them; behaviours
and questions to the dimension above them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LINE_PATTERNS = {
    "model": re.compile(r"^model\s*:\s*(?P<text>.+)$", re.I),
    "level": re.compile(r"^level\s+(?P<number>\d+)\s*:\s*(?P<text>.+)$", re.I),
    "dimension": re.compile(r"^dimension\s*:\s*(?P<text>.+)$", re.I),
    "behaviour": re.compile(r"^behaviou?r\s+(?P<number>\d+)\s*:\s*(?P<text>.+)$", re.I),
    "question": re.compile(r"^question\s*:\s*(?P<text>.+)$", re.I),
    "option": re.compile(r"^-\s*(?P<number>\d+)\s*:\s*(?P<text>.+)$"),
}
LINK_PATTERN = re.compile(r"\[(?P<kind>feature|article)\s*:\s*(?P<value>[^\]]+)\]", re.I)


@dataclass
class BehaviourSpec:
    """A behaviour line: its level, text and optional links."""

    level: int
    text: str
    feature: str | None = None
    article: str | None = None
    line: int = 0


@dataclass
class QuestionSpec:
    """A question and its (level, text) options."""

    text: str
    options: list[tuple[int, str]] = field(default_factory=list)
    line: int = 0


@dataclass
class DimensionSpec:
    """A dimension with its behaviours and questions."""

    name: str
    behaviours: list[BehaviourSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    line: int = 0


@dataclass
class ModelSpec:
    """A whole model version as written in the document."""

    name: str = "Maturity model"
    levels: list[tuple[int, str]] = field(default_factory=list)
    dimensions: list[DimensionSpec] = field(default_factory=list)


class DocumentError(ValueError):
    """The document cannot be saved; `problems` lists every reason as a sentence."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def parse(text: str) -> ModelSpec:
    """Parse and check a model document; DocumentError lists every problem found."""
    spec = ModelSpec()
    problems: list[str] = []
    dimension: DimensionSpec | None = None
    question: QuestionSpec | None = None
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, match = next(((k, p.match(line)) for k, p in LINE_PATTERNS.items() if p.match(line)), (None, None))
        value = match.group("text").strip() if match else ""
        if kind == "model":
            spec.name = value[:200]
        elif kind == "level":
            spec.levels.append((int(match.group("number")), value[:100]))
        elif kind == "dimension":
            dimension, question = DimensionSpec(value[:100], line=number), None
            spec.dimensions.append(dimension)
        elif kind == "behaviour" and dimension is not None:
            links = {m.group("kind").lower(): m.group("value").strip() for m in LINK_PATTERN.finditer(value)}
            words = LINK_PATTERN.sub("", value).strip()
            dimension.behaviours.append(BehaviourSpec(int(match.group("number")), words, links.get("feature"),
                                                      links.get("article"), number))
        elif kind == "question" and dimension is not None:
            question = QuestionSpec(value, line=number)
            dimension.questions.append(question)
        elif kind == "option" and question is not None:
            question.options.append((int(match.group("number")), value))
        elif kind in ("behaviour", "question"):
            problems.append(f"Line {number}: a {kind} must follow a 'Dimension:' line.")
        elif kind == "option":
            problems.append(f"Line {number}: an option must follow a 'Question:' line.")
        else:
            problems.append(f"Line {number}: '{line[:60]}' is not a Model, Level, Dimension, Behaviour, "
                            "Question or '- level: option' line.")
    problems += check(spec)
    if problems:
        raise DocumentError(problems)
    return spec


def check(spec: ModelSpec) -> list[str]:
    """Every rule a model must meet, as sentences (empty when it may be saved)."""
    problems: list[str] = []
    numbers = [n for n, _ in spec.levels]
    if len(numbers) < 2:
        problems.append("The model needs at least two levels.")
    if len(set(numbers)) != len(numbers):
        problems.append("Each level number may appear only once.")
    expected = set(range(1, max(numbers, default=0) + 1))
    gaps = sorted(expected - set(numbers))
    if gaps:
        problems.append(f"Levels must be numbered 1, 2, 3… without gaps: level {', '.join(map(str, gaps))} "
                        "is missing.")
    if max(numbers, default=0) > 9:
        problems.append("A model may have at most 9 levels.")
    known = set(numbers)
    if not spec.dimensions:
        problems.append("The model needs at least one dimension.")
    names = [d.name.lower() for d in spec.dimensions]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"The dimension '{name}' appears twice; give each dimension its own name.")
    for dimension in spec.dimensions:
        if not dimension.questions:
            problems.append(f"The dimension '{dimension.name}' has no question; add at least one.")
        for behaviour in dimension.behaviours:
            if behaviour.level not in known:
                problems.append(f"Line {behaviour.line}: behaviour level {behaviour.level} is not a level of the model.")
            if not behaviour.text:
                problems.append(f"Line {behaviour.line}: the behaviour has no text.")
        for question in dimension.questions:
            if len(question.options) < 2:
                problems.append(f"Line {question.line}: the question needs at least two options.")
            for level, _ in question.options:
                if level not in known:
                    problems.append(f"Line {question.line}: option level {level} is not a level of the model.")
    return problems


def render(spec: ModelSpec) -> str:
    """The document text of a model (the inverse of parse)."""
    lines = [f"Model: {spec.name}", ""]
    lines += [f"Level {number}: {name}" for number, name in spec.levels]
    for dimension in spec.dimensions:
        lines += ["", f"Dimension: {dimension.name}"]
        for b in dimension.behaviours:
            links = (f" [feature: {b.feature}]" if b.feature else "") + (f" [article: {b.article}]" if b.article else "")
            lines.append(f"Behaviour {b.level}: {b.text}{links}")
        for question in dimension.questions:
            lines.append(f"Question: {question.text}")
            lines += [f"- {level}: {text}" for level, text in question.options]
    return "\n".join(lines) + "\n"


LEVEL_NAMES = ("Initial", "Developing", "Defined", "Managed", "Optimising")

DEFAULT_DIMENSIONS = (
    ("Adoption", [
        "A few champions use the product; most licensed users do not sign in.",
        "Most licensed users sign in every week. [feature: dashboards] [article: getting-started]",
        "Every team uses the product for its daily work and shares dashboards. [feature: shared_dashboards]",
        "New colleagues are onboarded to the product in their first week. [feature: user_management]",
        "Usage is reviewed each quarter and unused seats are reassigned.",
    ], [
        ("How many of your licensed users use the product in a typical week?",
         ["Fewer than one in five", "About a third", "About half", "Most of them", "Nearly all of them"]),
        ("How do new colleagues start using the product?",
         ["They rarely do", "Someone shows them when asked", "We point them to the getting-started guide",
          "Onboarding is part of their first week", "Onboarding is tracked and improved every quarter"]),
    ]),
    ("Process", [
        "Work in the product is ad hoc and depends on individuals.",
        "A few recurring tasks follow an agreed routine. [article: building-routines]",
        "Core workflows are documented and everyone follows them. [feature: workflows]",
        "Workflows are automated where possible. [feature: automation_rules]",
        "Workflows are reviewed and improved from measured results.",
    ], [
        ("How are the workflows you run in the product defined?",
         ["Everyone works their own way", "A few routines are agreed", "Core workflows are documented",
          "Workflows are automated", "Workflows are improved from measured results"]),
        ("What happens when the person who knows a workflow is away?",
         ["The work stops", "Someone works it out", "Others follow the documentation",
          "Automation keeps it running", "Nothing changes; it is designed for that"]),
    ]),
    ("Measurement", [
        "Nobody looks at results in the product.",
        "Someone runs a report when asked. [feature: reports] [article: your-first-report]",
        "Reports run on a schedule and reach the people who need them. [feature: scheduled_reports]",
        "Targets are set and alerts flag when a figure drifts. [feature: alerts]",
        "Decisions are made from the figures and their effect is measured.",
    ], [
        ("How do you follow the results of your work in the product?",
         ["We do not", "We run a report when someone asks", "Scheduled reports reach the right people",
          "We track targets and get alerts", "Every decision is checked against the figures"]),
    ]),
    ("Integration", [
        "The product stands alone; data is copied by hand.",
        "Data is imported or exported in files now and then. [feature: csv_import]",
        "The main systems are connected through built-in integrations. [feature: integrations]",
        "Custom integrations use the API. [feature: api] [article: api-quickstart]",
        "The product is part of an automated end-to-end data flow.",
    ], [
        ("How does data get into and out of the product?",
         ["Typed or copied by hand", "File imports and exports now and then", "Built-in integrations",
          "Our own integrations through the API", "A fully automated data flow"]),
    ]),
    ("Team enablement", [
        "Users learn by trial and error.",
        "Users know where to find help articles. [article: knowledge-base-tour]",
        "Each team has a trained product champion.",
        "Training is planned for every role and refreshed with each release.",
        "The team shares its own practices with other customers.",
    ], [
        ("How do people learn to use the product well?",
         ["By trial and error", "From help articles when stuck", "From a trained champion in their team",
          "Through planned training for their role", "We also teach our practices to others"]),
    ]),
)


def default_spec() -> ModelSpec:
    """The default model: five levels and five dimensions, one option per level in each question."""
    spec = ModelSpec("Customer maturity model", [(i + 1, name) for i, name in enumerate(LEVEL_NAMES)])
    for name, behaviours, questions in DEFAULT_DIMENSIONS:
        dimension = DimensionSpec(name)
        for level, text in enumerate(behaviours, start=1):
            links = {m.group("kind"): m.group("value").strip() for m in LINK_PATTERN.finditer(text)}
            dimension.behaviours.append(BehaviourSpec(level, LINK_PATTERN.sub("", text).strip(),
                                                      links.get("feature"), links.get("article")))
        for text, options in questions:
            dimension.questions.append(QuestionSpec(text, [(level, o) for level, o in enumerate(options, start=1)]))
        spec.dimensions.append(dimension)
    return spec


def default_document() -> str:
    """The default model as a document, the starting point of the admin editor."""
    return render(default_spec())
