"""The layout holds: no module of ours imports another in a circle, and each room imports only the
rooms below it (README, "Layout"). Imports are read with `ast`, those inside functions included,
since an import deferred to break a circle is still a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ["config", "projects", "comms", "escalations", "dashboard", "portal", "api"]
DOMAIN = {"projects", "comms", "escalations"}
FACES = {"dashboard", "portal", "api"}

# The parts of comms/ below the autopilot, which the escalation procedure uses to keep time and send.
COMMS_FOR_ESCALATIONS = {
    "comms.models",
    "comms.clock",
    "comms.calendars",
    "comms.obligations",
    "comms.outbox",
}
# The tick drives both engines; these modules stand on it.
ABOVE_THE_TICK = {"comms.tick", "comms.tasks", "comms.management.commands.tick"}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules():
    modules = {}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imported(name, path, modules):
    """The modules of ours that `name` imports, each reduced to the longest module that exists."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    found = set()
    for target in targets:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = our_modules()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def cycles(graph):
    """One shortest circle through each strongly connected group of modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [shortest_circle(graph, group) for group in groups]


def shortest_circle(graph, group):
    start = min(group)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(graph[path[-1]] & group):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                paths.append([*path, target])
    raise AssertionError(f"no circle found in {group}")


def may_import(importer, target):
    """The rule of the README's layout table, for one import between two rooms."""
    room, target_room = importer.split(".")[0], target.split(".")[0]
    if room == target_room:
        return True
    if target_room == "config":
        return False  # only Django reads the configuration
    if room == "config":
        return True
    if room in FACES or importer.split(".")[-1] == "admin" or ".management.commands." in importer:
        # The faces, and Django's faces kept inside each domain room (admin, commands).
        return target_room in DOMAIN
    if room == "projects":
        return False
    if room == "escalations":
        return target_room == "projects" or target in COMMS_FOR_ESCALATIONS
    if room == "comms":
        if target_room == "projects":
            return True
        # The record and its search span escalations' rows; only the tick calls their procedure.
        return target_room == "escalations" and (target == "escalations.models" or importer in ABOVE_THE_TICK)
    return False


def test_no_module_imports_another_in_a_circle(graph):
    circles = cycles(graph)
    assert not circles, "Import circles:\n" + "\n".join(" -> ".join(circle) for circle in circles)


def test_each_room_imports_only_the_rooms_below_it(graph):
    wrong = sorted(
        f"{importer} -> {target}"
        for importer, targets in graph.items()
        for target in targets
        if not may_import(importer, target)
    )
    assert not wrong, "Imports against the layout:\n" + "\n".join(wrong)


def test_a_circle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize(
    ("importer", "target", "allowed"),
    [
        ("comms.autopilot", "escalations.services", False),
        ("comms.tick", "escalations.services", True),
        ("escalations.services", "comms.autopilot", False),
        ("projects.services", "comms.autopilot", False),
        ("projects.admin", "comms.models", True),
        ("api.search", "dashboard.forms", False),
        ("dashboard.views", "config.settings", False),
    ],
)
def test_the_layout_rule_reads_as_the_readme_says(importer, target, allowed):
    assert may_import(importer, target) is allowed
