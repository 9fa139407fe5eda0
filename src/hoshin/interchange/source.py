"""Reading a strategy file into plain Python values that remember their line numbers.

PyYAML's compose step keeps a start mark on every node. The loader turns
that node tree into `YamlMap`, `YamlList` and plain scalars, so the
validation can name the line of any field it rejects. Duplicate keys in a
mapping, which a plain `yaml.safe_load` silently resolves to the last one,
are reported here.
"""

from pathlib import Path

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from hoshin.interchange.errors import ErrorReport, LocatedError, StrategyFileError


class YamlMap(dict):
    """A YAML mapping with the line of the mapping and of each of its keys (counting from 1)."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class YamlList(list):
    """A YAML sequence with the line of the sequence and of each of its items (counting from 1)."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def read_source(source, filename: str | None = None) -> tuple[str, str]:
    """Return the text of `source` and the file name to show in messages.

    `source` is a `pathlib.Path`, a file object, bytes, or a string. A
    one-line string that names an existing file or ends in .yaml or .yml is
    a path, so a missing file raises FileNotFoundError. Any other string is
    the YAML text itself.
    """
    if hasattr(source, "read"):
        text = source.read()
        stream_name = getattr(source, "name", None)
        name = filename or (Path(stream_name).name if isinstance(stream_name, str) else "<string>")
    elif isinstance(source, Path) or (isinstance(source, str) and _names_file(source)):
        path = Path(source)
        text = path.read_bytes()
        name = filename or path.name
    else:
        text = source
        name = filename or "<string>"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text[:exc.start].count(b"\n") + 1
            raise StrategyFileError([LocatedError(line, "", "the file is not UTF-8 text", str(name))]) from exc
    return text, str(name)


def _names_file(text: str) -> bool:
    if "\n" in text:
        return False
    return text.endswith((".yaml", ".yml")) or Path(text).is_file()


def load_yaml(text: str, report: ErrorReport):
    """Parse `text` and return its single document as located values, or None when it is empty.

    Syntax errors and duplicate keys are added to `report`; after a syntax
    error the return value is None.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        report.add(line, "", f"invalid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        report.add(1, "", f"invalid YAML: {exc}")
        return None
    if root is None:
        return None
    return _Converter(report).convert(root, "")


class _Converter:
    def __init__(self, report: ErrorReport):
        self.report = report
        self.constructor = SafeConstructor()
        self.open_nodes: set[int] = set()

    def convert(self, node, path: str):
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, line)
        if id(node) in self.open_nodes:
            # An alias that refers to one of its own containers would recurse forever.
            self.report.add(line, path, "a YAML alias may not refer to a mapping or list that contains it")
            return None
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path, line)
            return self._mapping(node, path, line)
        finally:
            self.open_nodes.discard(id(node))

    def _scalar(self, node, path: str, line: int):
        try:
            return self.constructor.construct_object(node)
        except (ConstructorError, ValueError) as exc:
            self.report.add(line, path, f"cannot read the value {node.value!r}: {getattr(exc, 'problem', exc)}")
            return None

    def _sequence(self, node, path: str, line: int) -> YamlList:
        result = YamlList(line)
        for index, item in enumerate(node.value):
            result.append(self.convert(item, f"{path}[{index}]"))
            result.item_lines.append(item.start_mark.line + 1)
        return result

    def _mapping(self, node, path: str, line: int) -> YamlMap:
        result = YamlMap(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.report.add(key_line, path, "merge keys (<<) are not supported; write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                key_text = repr(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "a mapping or list"
                self.report.add(key_line, path, f"field names must be text, not {key_text}")
                continue
            key = key_node.value
            if key in result:
                self.report.add(key_line, path, f'duplicate field "{key}" (first given on line {result.key_lines[key]})')
                continue
            result[key] = self.convert(value_node, f"{path}.{key}" if path else key)
            result.key_lines[key] = key_line
        return result
