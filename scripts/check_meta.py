#!/usr/bin/python3
"""Checks META.json against the PGXN Meta Spec 1.0.x, and against the tree.

PGXN (the PostgreSQL Extension Network) reads META.json from a release
archive (`make dist`).  No validator for it is packaged for Debian, so this
script checks the rules of the spec (https://pgxn.org/spec/, version 1.0.0)
itself, with the standard library alone:

  - the required fields (name, abstract, version, maintainer, license,
    provides, meta-spec) are there and of their types; every other key is
    one the spec defines or a custom one (x_...);
  - names are Terms, tags are Tags, versions are semantic versions,
    prerequisites are version ranges of known phases and relationships,
    licenses are the spec's license strings (or a map of names to URIs),
    URIs have a scheme and a host, release_status is one of three values;

and then that it describes this tree:

  - the files it names (provides' file and docfile) and the directories it
    keeps out of the index exist;
  - hinge is provided, and META.json's version is not behind the SQL
    version, default_version in hinge.control (1.2.0 for '1.2'); a META.json
    ahead of it (a release being prepared) is reported but allowed.

    /usr/bin/python3 scripts/check_meta.py            check ./META.json
    /usr/bin/python3 scripts/check_meta.py --self-test

--self-test also breaks a copy of META.json in the ways the spec forbids and
fails unless each one is rejected.  Exit status 0 when valid, 1 otherwise.
"""
import argparse
import copy
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Semantic Versioning 2.0.0 (the spec's Version type)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
                    r"(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
                    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$")
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd",
    "freebsd", "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1",
    "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5",
    "postgresql", "qpl_1_0", "ssleay", "sun", "zlib",
    "open_source", "restricted", "unrestricted", "unknown",
}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
RELEASE_STATUS = {"stable", "testing", "unstable"}
SPEC_URLS = {"https://pgxn.org/meta/spec.txt", "http://pgxn.org/meta/spec.txt"}
REQUIRED = ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec")
OPTIONAL = ("description", "generated_by", "tags", "no_index", "prereqs",
            "release_status", "resources")


class Checker:
    def __init__(self):
        self.errors = []

    def error(self, path, message):
        self.errors.append(f"/{'/'.join(path)}: {message}")

    # -- the spec's data types --------------------------------------------
    def string(self, path, value):
        if not isinstance(value, str) or value == "":
            self.error(path, f"{value!r} is not a non-empty string")
            return False
        return True

    def term(self, path, value):
        # at least two characters, no slash, backslash, control or space
        if self.string(path, value) and (len(value) < 2 or re.search(r"[\s/\\\x00-\x1f\x7f]", value)):
            self.error(path, f"{value!r} is not a Term (2+ characters, no space, control, / or \\)")

    def tag(self, path, value):
        # fewer than 256 characters, no slash, backslash or control
        if self.string(path, value) and (len(value) > 255 or re.search(r"[/\\\x00-\x1f\x7f]", value)):
            self.error(path, f"{value!r} is not a Tag (under 256 characters, no control, / or \\)")

    def version(self, path, value):
        if self.string(path, value) and not SEMVER.match(value):
            self.error(path, f"{value!r} is not a semantic version (like 1.2.0)")

    def version_range(self, path, value):
        # 0, a version, or comma-separated [op] version with op < <= > >= == !=
        if value == 0 or value == "0":
            return
        if not self.string(path, value):
            return
        for part in re.split(r",\s*", value):
            m = re.match(r"^(<=|>=|==|!=|<|>)?\s*(.*)$", part)
            if part != "0" and not SEMVER.match(m.group(2)):
                self.error(path, f"{part!r} in {value!r} is not a version range")

    def uri(self, path, value):
        if self.string(path, value) and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]+", value):
            self.error(path, f"{value!r} is not a URI with a scheme and a host")

    def unix_path(self, path, value):
        if self.string(path, value) and ("\\" in value or value.startswith("/")):
            self.error(path, f"{value!r} is not a relative path in unix conventions")

    def string_list(self, path, value, item):
        # a String stands for a List of one
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            self.error(path, "is not a list")
            return []
        for i, v in enumerate(values):
            item(path[:-1] + [f"{path[-1]}[{i}]"], v)
        return values

    def mapping(self, path, value, known, required=()):
        """A Map: required keys present, others known or custom (x_...)."""
        if not isinstance(value, dict):
            self.error(path, "is not a map")
            return False
        for key in required:
            if key not in value or value[key] is None:
                self.error(path + [key], "required field is missing")
        for key in value:
            if key not in known and not re.match(r"^x_", key, re.I):
                self.error(path + [key], "unknown key; custom keys must begin with x_ or X_")
        return True

    # -- the structure ----------------------------------------------------
    def check(self, meta):
        if not self.mapping([], meta, REQUIRED + OPTIONAL, REQUIRED):
            return self.errors
        spec = meta.get("meta-spec")
        if self.mapping(["meta-spec"], spec, ("version", "url"), ("version",)):
            if "version" in spec and not re.match(r"^1\.0\.\d+$", str(spec["version"])):
                self.error(["meta-spec", "version"], f"{spec['version']!r}: this checks version 1.0.x of the spec")
            if "url" in spec and spec["url"] not in SPEC_URLS:
                self.error(["meta-spec", "url"], f"{spec['url']!r} is not the spec's URL")
        if "name" in meta:
            self.term(["name"], meta["name"])
        for key in ("abstract", "description", "generated_by"):
            if key in meta:
                self.string([key], meta[key])
        if "version" in meta:
            self.version(["version"], meta["version"])
        if "maintainer" in meta:
            if not self.string_list(["maintainer"], meta["maintainer"], self.string):
                self.error(["maintainer"], "lists nobody")
        if "license" in meta:
            self.license(meta["license"])
        if "provides" in meta:
            self.provides(meta["provides"])
        if "tags" in meta:
            self.string_list(["tags"], meta["tags"], self.tag)
        if "no_index" in meta and self.mapping(["no_index"], meta["no_index"], ("file", "directory")):
            for key in ("file", "directory"):
                if key in meta["no_index"]:
                    self.string_list(["no_index", key], meta["no_index"][key], self.unix_path)
        if "prereqs" in meta:
            self.prereqs(meta["prereqs"])
        if "release_status" in meta and meta["release_status"] not in RELEASE_STATUS:
            self.error(["release_status"], f"{meta['release_status']!r} is not one of {sorted(RELEASE_STATUS)}")
        if "resources" in meta:
            self.resources(meta["resources"])
        return self.errors

    def license(self, value):
        if isinstance(value, dict):
            if not value:
                self.error(["license"], "names no license")
            for name, url in value.items():
                self.uri(["license", name], url)
            return
        values = self.string_list(["license"], value, self.string)
        if not values:
            self.error(["license"], "names no license")
        for v in values:
            if isinstance(v, str) and v not in LICENSES:
                self.error(["license"], f"{v!r} is not one of the spec's license strings")

    def provides(self, value):
        if not isinstance(value, dict):
            self.error(["provides"], "is not a map")
            return
        if not value:
            self.error(["provides"], "provides no extension")
        for name, ext in value.items():
            path = ["provides", name]
            self.term(path, name)
            if self.mapping(path, ext, ("file", "version", "abstract", "docfile"), ("file", "version")):
                if "file" in ext:
                    self.unix_path(path + ["file"], ext["file"])
                if "docfile" in ext:
                    self.unix_path(path + ["docfile"], ext["docfile"])
                if "version" in ext:
                    self.version(path + ["version"], ext["version"])
                if "abstract" in ext:
                    self.string(path + ["abstract"], ext["abstract"])

    def prereqs(self, value):
        if not isinstance(value, dict):
            self.error(["prereqs"], "is not a map")
            return
        for phase, relations in value.items():
            path = ["prereqs", phase]
            if phase not in PHASES and not re.match(r"^x_", phase, re.I):
                self.error(path, f"unknown phase; must be one of {sorted(PHASES)}")
            if not isinstance(relations, dict):
                self.error(path, "is not a map")
                continue
            for relation, requirements in relations.items():
                rpath = path + [relation]
                if relation not in RELATIONS and not re.match(r"^x_", relation, re.I):
                    self.error(rpath, f"unknown relationship; must be one of {sorted(RELATIONS)}")
                if not isinstance(requirements, dict):
                    self.error(rpath, "is not a map")
                    continue
                for name, wanted in requirements.items():
                    self.term(rpath + [name], name)
                    self.version_range(rpath + [name], wanted)

    def resources(self, value):
        known = ("homepage", "bugtracker", "repository")
        if not self.mapping(["resources"], value, known):
            return
        if "homepage" in value:
            self.uri(["resources", "homepage"], value["homepage"])
        bug = value.get("bugtracker")
        if bug is not None and self.mapping(["resources", "bugtracker"], bug, ("web", "mailto")):
            if "web" in bug:
                self.uri(["resources", "bugtracker", "web"], bug["web"])
            if "mailto" in bug and "@" not in str(bug["mailto"]):
                self.error(["resources", "bugtracker", "mailto"], f"{bug['mailto']!r} is not an email address")
        repo = value.get("repository")
        if repo is not None and self.mapping(["resources", "repository"], repo, ("url", "web", "type")):
            for key in ("url", "web"):
                if key in repo:
                    self.uri(["resources", "repository", key], repo[key])
            if "type" in repo and self.string(["resources", "repository", "type"], repo["type"]) \
                    and repo["type"] != repo["type"].lower():
                self.error(["resources", "repository", "type"], f"{repo['type']!r} is not lowercase")
        for key, v in value.items():
            if key not in known:
                self.string(["resources", key], v)


def check_tree(meta, root):
    """What META.json says about this tree must be true of it."""
    errors, notes = [], []
    provides = meta.get("provides") if isinstance(meta.get("provides"), dict) else {}
    for name, ext in provides.items():
        for key in ("file", "docfile"):
            f = ext.get(key) if isinstance(ext, dict) else None
            if isinstance(f, str) and not (root / f).is_file():
                errors.append(f"/provides/{name}/{key}: {f} is not a file of the tree")
    no_index = meta.get("no_index") if isinstance(meta.get("no_index"), dict) else {}
    for key, test in (("directory", pathlib.Path.is_dir), ("file", pathlib.Path.is_file)):
        entries = no_index.get(key, [])
        for f in [entries] if isinstance(entries, str) else entries:
            if isinstance(f, str) and not test(root / f):
                errors.append(f"/no_index/{key}: {f} is not in the tree")
    control = (root / "hinge.control").read_text()
    m = re.search(r"^default_version\s*=\s*'([^']*)'", control, re.M)
    if not m:
        return errors + ["hinge.control has no default_version"], notes
    sql = tuple(int(x) for x in m.group(1).split("."))
    if "hinge" not in provides:
        errors.append("/provides: does not provide hinge")
    for path, v in (("/version", meta.get("version")),
                    ("/provides/hinge/version", (provides.get("hinge") or {}).get("version"))):
        if not isinstance(v, str) or not SEMVER.match(v):
            continue
        release = tuple(int(x) for x in SEMVER.match(v).groups()[:3])
        if release[:len(sql)] < sql:
            errors.append(f"{path}: {v} is behind hinge.control's default_version '{m.group(1)}'")
        elif release[:len(sql)] > sql:
            notes.append(f"{path}: {v} is ahead of hinge.control's default_version "
                         f"'{m.group(1)}' (a release being prepared)")
    return errors, notes


def load(path):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        dups = sorted({k for k in keys if keys.count(k) > 1})
        if dups:
            raise ValueError(f"duplicate keys {dups}")
        return dict(pairs)
    return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)


def broken_cases():
    """Ways to break a valid META.json, each of which the spec forbids."""
    def without(key):
        return lambda m: m.pop(key)

    def setter(*path, value):
        def f(m):
            for k in path[:-1]:
                m = m[k]
            m[path[-1]] = value
        return f
    return {
        "no name": without("name"),
        "no license": without("license"),
        "no provides": without("provides"),
        "no meta-spec": without("meta-spec"),
        "two-part version": setter("version", value="1.2"),
        "extension version not semver": setter("provides", "hinge", "version", value="v1"),
        "provides without file": lambda m: m["provides"]["hinge"].pop("file"),
        "unknown license": setter("license", value="postgres"),
        "license map to a non-URI": setter("license", value={"PostgreSQL": "licence"}),
        "name with a space": setter("name", value="hinge svm"),
        "unknown top-level key": setter("homepage", value="https://example.org/"),
        "custom key without x_": setter("provides", "hinge", "url", value="x"),
        "bad release status": setter("release_status", value="beta"),
        "bad phase": setter("prereqs", "install", value={"requires": {"PostgreSQL": "13.0.0"}}),
        "bad relation": setter("prereqs", "runtime", value={"needs": {"PostgreSQL": "13.0.0"}}),
        "bad version range": setter("prereqs", "runtime", "requires", "PostgreSQL", value=">= 13"),
        "tag with a slash": setter("tags", value=["a/b"]),
        "meta-spec 2": setter("meta-spec", "version", value="2.0.0"),
        "resource not a URI": setter("resources", value={"homepage": "hinge"}),
        "empty abstract": setter("abstract", value=""),
    }


def self_test(meta):
    """Each broken copy must be rejected; the original must pass."""
    cases = broken_cases()
    failed = 0
    if Checker().check(meta):
        print("self-test: META.json itself is invalid")
        failed += 1
    for name, breaks in cases.items():
        broken = copy.deepcopy(meta)
        breaks(broken)
        if not Checker().check(broken):
            print(f"self-test: accepted a META.json with {name}")
            failed += 1
    print(f"check_meta self-test: {len(cases) + 1 - failed} passed, {failed} failed")
    return failed == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "META.json"))
    parser.add_argument("--self-test", action="store_true",
                        help="also check that broken copies are rejected")
    args = parser.parse_args()
    path = pathlib.Path(args.file)
    try:
        meta = load(path)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read it as JSON: {e}")
        return 1
    errors = Checker().check(meta)
    tree_errors, notes = check_tree(meta, path.resolve().parent)
    for n in notes:
        print(f"{path.name}: note: {n}")
    for e in errors + tree_errors:
        print(f"{path.name}: {e}")
    ok = not errors and not tree_errors
    if ok:
        print(f"{path.name}: valid (PGXN Meta Spec {meta['meta-spec']['version']}), "
              f"{meta['name']} {meta['version']}")
    if args.self_test and not self_test(meta):
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
