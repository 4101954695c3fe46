"""checkers/assembly.py: a contract whose sources could use a jump label as a number is never given to the
relocation argument (an internal function pointer stored, compared, or read by inline assembly)."""
from __future__ import annotations

from checkers.assembly import _pointer_use, strip_metadata

POINTER = "function (uint256) pure returns (uint256)"


def variable(node_id: int, type_string: str, **extra) -> dict:
    return {"nodeType": "VariableDeclaration", "id": node_id, "name": f"v{node_id}",
            "typeDescriptions": {"typeString": type_string}, **extra}


def unit(*nodes: dict) -> dict:
    return {"nodeType": "SourceUnit", "nodes": [{"nodeType": "ContractDefinition", "nodes": list(nodes)}]}


def test_plain_code_and_pointers_only_called_are_fine() -> None:
    assert _pointer_use(unit(variable(1, "uint256", stateVariable=True),
                             {"nodeType": "FunctionDefinition", "parameters": {"parameters": [variable(2, POINTER)]}})) is None
    external = "function (uint256) external returns (uint256)"
    assert _pointer_use(unit(variable(3, external, stateVariable=True))) is None


def test_a_pointer_in_storage_is_named() -> None:
    assert "kept in storage (v1)" in _pointer_use(unit(variable(1, POINTER, stateVariable=True)))
    struct = {"nodeType": "StructDefinition", "members": [variable(4, "mapping(uint256 => " + POINTER + ")")]}
    assert "kept in storage (v4)" in _pointer_use(unit(struct))


def test_compared_or_read_by_assembly() -> None:
    compare = {"nodeType": "BinaryOperation", "operator": "==",
               "leftExpression": {"typeDescriptions": {"typeString": POINTER}}}
    assert _pointer_use(unit(compare)) == "internal function pointers compared"
    asm = {"nodeType": "InlineAssembly", "externalReferences": [{"declaration": 7}]}
    assert "inline assembly" in _pointer_use(unit(variable(7, POINTER), asm))


def test_metadata_is_stripped_by_its_stated_length() -> None:
    code = "6080" + "a2" * 3 + "0003"  # three bytes of metadata, then their length
    assert strip_metadata("0x" + code) == "6080"
