#!/usr/bin/python3
"""Generates tests/expr/yaql/cases.json: YAQL expressions whose expected
values come from YAQL itself (Debian's python3-yaql, the implementation
Orquesta evaluates with), for packhost's YAQL engine to replay.

    scripts/install-deps cases
    /usr/bin/python3 tests/expr/yaql/generate_cases.py > tests/expr/yaql/cases.json

Each case: {"expr", then "value" (the result as JSON) or "error" (YAQL
raised)}. Every expression is evaluated with `$` set to DATA, as Orquesta
does with the workflow's context. Results that are sets or depend on the
clock or chance are not in the table (tests/expr/yaql/yaql_test.cpp covers them).
"""
import json
import sys

import yaql
import yaql.language.utils as yaql_utils

DATA = {
    "a": {"b": 2, "c": {"d": "deep"}},
    "list": [1, 2, 3],
    "words": ["pear", "Apple", "fig"],
    "x": None,
    "s": "Hello World",
    "n": 7,
    "f": 2.5,
    "servers": [
        {"name": "web1", "cpu": 4, "role": "web"},
        {"name": "db1", "cpu": 8, "role": "db"},
        {"name": "web2", "cpu": 2, "role": "web"},
    ],
    "empty": [],
    "nested": [[1, 2], [3], []],
    "flag": True,
}

EXPRESSIONS = [
    # data model
    "$", "$.a", "$.a.b", "$.a.c.d", "$.list", "$.list[0]", "$.list[-1]", "$.list[2]", "$.list[3]",
    "$.a['b']", "$.a[b]", "$.a[zz, 5]", "$.nokey", "$.a.zz", "$.x", "$.x?.y", "$.a?.b",
    "$.servers.name", "$.servers[1].name", "$.servers.select($.cpu)", "$notset", "abc", "'quoted'",
    '"double"', "`back\\`tick`", "'esc\\n'", "true", "false", "null", "12", "1.5",
    # operators
    "1 + 2 * 3", "(1 + 2) * 3", "10 - 4 - 3", "10 / 4", "10 / 4.0", "-7 / 2", "7 mod 3", "-2 mod 3",
    "7.5 mod 2", "5 / 0", "2 * 'ab'", "'ab' * 2", "'a' + 'b'", "'a' + 1", "[1, 2] + [3]",
    "{a => 1} + {b => 2}", "{a => 1} + {a => 3}", "-$.n", "+$.n", "-(1 + 2)", "3 - 1.5", "1.0 * 3",
    "1 = 1", "1 = 1.0", "'a' = 'a'", "[1, 2] = [1, 2]", "{a => 1} = {a => 1}", "null = null", "1 != 2",
    "1 = '1'", "true = 1", "1 < 2", "2 <= 2", "'a' < 'b'", "'abc' > 'abd'", "1 < 'a'", "null < 1",
    "1 < null", "null <= null", "[1] < [2]", "1 < 2 = true", "2 in $.list", "5 in $.list",
    "'ell' in $.s", "b in $.a", "zz in $.a", "not true", "not 0", "not true and false",
    "true and 1", "0 and 1", "1 or 2", "null or 0", "false or 'x'", "$.x or 'fallback'",
    "not $.list.contains(9) and $.n > 5", "$.s =~ 'W.r'", "$.s !~ '^W'", "$.s =~ '^W'",
    "$.list -> $[1]", "$.a -> $.b + 1", "let(x => 3) -> $x * 2", "let(x => 1, y => 2) -> $x + $y",
    "let(5, 6) -> $1 + $2", "$.list.len() > 2 and $.s",
    # lists and dicts
    "[1, 2, 3]", "[]", "{a => 1, 'b c' => 2}", "{}", "list(1, 2)", "list($.list)", "dict(a => 1, b => 2)",
    "dict([[a, 1], [b, 2]])", "$.a.keys()", "$.a.values()", "$.a.items()", "keys($.a)", "$.a.get(b)",
    "$.a.get(zz)", "$.a.get(zz, 9)", "$.a.set(z, 9)", "$.a.set({q => 1})", "$.a.containsKey(b)",
    "$.a.containsKey(q)", "$.a.containsValue(2)", "$.list.contains(2)", "$.list.len()", "len($.a)",
    "len('héllo')", "$.list.count()", "$.list.toList()", "$.list.delete(0)", "$.list.delete(0, 2)",
    "$.a.delete(b)", "$.list.insert(1, 9)", "$.list.append(4, 5)", "isList($.list)", "isList($.a)",
    "isDict($.a)", "isDict(1)", "isString('x')", "isString(1)", "$.list.toDict($, $ * 2)",
    "$.servers.toDict($.name, $.cpu)", "$.list.replace(0, 9)", "$.list.flatten()", "$.nested.flatten()",
    "[1, [2, [3]]].flatten()", "[1, [2, [3]]].flatten(1)",
    # queries
    "$.list.select($ * 2)", "$.list.select([$, $ * 2])", "$.list.select({v => $})", "$.list.where($ > 1)",
    "$.list.where($ > 5)", "$.servers.where($.role = web).select($.name)", "$.list.first()", "$.empty.first()",
    "$.empty.first(0)", "$.list.last()", "$.list.skip(1)", "$.list.limit(2)", "$.list.take(1)",
    "$.list.skip(1).take(1)", "$.list.any()", "$.list.any($ > 2)", "$.list.all($ > 0)", "$.empty.all($ > 0)",
    "$.list.sum()", "$.list.sum() / $.list.len()", "[1.5, 2].sum()", "$.list.max()", "$.list.min()",
    "$.servers.max($.cpu)", "max(1, 2)", "min(3, 2)", "$.words.orderBy($)", "$.words.orderBy($.toLower())",
    "$.list.orderByDescending($)", "$.servers.orderBy($.cpu).select($.name)", "[3, 1, 2, 1].distinct()",
    "$.servers.distinct($.role).select($.name)", "$.list.enumerate()", "$.list.enumerate(1)",
    "$.list.reverse()", "$.nested.selectMany($)", "$.servers.groupBy($.role)",
    "$.servers.groupBy($.role, $.name)", "$.list.zip([4, 5])", "$.list.zip([4, 5], [6, 7])",
    "$.list.zipLongest([1])", "$.list.aggregate($1 + $2)", "$.list.aggregate($1 + $2, 10)",
    "$.list.indexOf(2)", "$.list.indexOf(9)", "$.list.indexWhere($ > 1)", "$.list.takeWhile($ < 3)",
    "$.list.skipWhile($ < 2)", "range(3)", "range(1, 4)", "range(0, 10, 3)", "range(5, 0, -2)",
    "$.list.single()", "[4].single()", "concat([1], [2, 3])", "concat('a', 'b', 'c')",
    "$.empty.defaultIfEmpty([0])", "$.list.select($ mod 2 = 0)", "$.list.where($ != 2).len()",
    "$.a.mergeWith({c => {e => 1}})", "$.list.repeat(2)",
    # strings
    "$.s.toUpper()", "$.s.toLower()", "$.s.len()", "$.s.split(' ')", "'a,b,c'.split(',', 1)",
    "'a b  c'.split()", "'a,b,c'.rightSplit(',', 1)", "$.list.join(', ')", "', '.join($.words)",
    "$.words.join('-')", "str(1.5)", "str(null)", "str(true)", "str('x')", "str(12)", "$.s.replace('l', 'L')",
    "$.s.replace('l', '', 1)", "'  a  '.trim()", "'xxaxx'.trim(x)", "'  a '.trimLeft()", "' a  '.trimRight()",
    "'  '.norm()", "' a '.norm()", "''.isEmpty()", "' '.isEmpty()", "'a'.isEmpty()", "'{0}-{1}'.format(1, 2)",
    "'{}+{}'.format(a, b)", "'abcdef'.substring(1)", "'abcdef'.substring(1, 2)", "'abcdef'.substring(-2)",
    "$.s.indexOf('o')", "$.s.lastIndexOf('o')", "$.s.indexOf('z')", "'abc'.toCharArray()",
    "$.s.startsWith('He')", "$.s.startsWith('x', 'He')", "$.s.endsWith('ld')", "$.s.endsWith('x')",
    "'a' + str(1)", "'x' * 0",
    # regular expressions
    "$.s.matches('^H.*d$')", "$.s.matches('^W')", "regex('l+').search($.s)", "regex('(l+)o').search($.s)",
    "regex('z').search($.s)", "regex('[0-9]').searchAll('a1b22c3')", "regex('[0-9]+').searchAll('a1b22c3')",
    "'a1b2'.replace(regex('[0-9]'), '#')", "regex('[0-9]').replace('a1b2', '#')", "'a1b2'.split(regex('[0-9]'))",
    "regex('o').matches($.s)", "$.s.search('W\\\\w+')",
    # values
    "int('5')", "int(2.7)", "int(-2.7)", "int(null)", "int(true)", "int('x')", "float(1)", "float('1.5')",
    "float(null)", "bool(0)", "bool([])", "bool('a')", "bool(null)", "abs(-3)", "abs(-2.5)", "pow(2, 10)",
    "pow(2, 0.5)", "pow(2, 10, 1000)", "round(2.5)", "round(3.5)", "round(2.675, 2)", "round(7)",
    "isInteger(1)", "isInteger(1.0)", "isNumber(1.5)", "isNumber('1')", "isBoolean(false)", "coalesce(null, 2, 3)",
    "coalesce(null, null)", "coalesce($.x, $.n)", "switch($.n > 5 => big, true => small)",
    "switch($.n > 50 => big, $.n > 10 => mid)", "random(3, 3)",
    # grammar errors
    "1 +", "$.list[", "(1", "'unterminated", "1 2", "{a}", "f(a => 1, 2)",
]


def to_json(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, dict) or isinstance(v, yaql_utils.MappingType):
        return {str(k): to_json(x) for k, x in v.items()}
    if isinstance(v, (set, frozenset)):
        raise TypeError("sets are left out of the table")
    if hasattr(v, "__iter__"):
        return [to_json(x) for x in v]
    raise TypeError("no JSON for %r" % (v,))


def main():
    engine = yaql.factory.YaqlFactory().create()
    context = yaql.create_context()
    cases = []
    for text in EXPRESSIONS:
        case = {"expr": text}
        try:
            value = engine(text).evaluate(data=DATA, context=context)
            case["value"] = to_json(value)
        except TypeError as e:
            if "left out" in str(e):
                continue
            case["error"] = "%s: %s" % (type(e).__name__, e)
        except Exception as e:  # noqa: BLE001 - the error is the expected result
            case["error"] = "%s: %s" % (type(e).__name__, e)
        cases.append(case)
    json.dump({"generator": "tests/expr/yaql/generate_cases.py", "yaql": yaql.__version__ if hasattr(yaql, "__version__") else "2.0.0",
               "data": DATA, "cases": cases}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
