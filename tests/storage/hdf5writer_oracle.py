"""Independent check of HDF5 files written by our TypeScript writer, with Debian's h5py and h5dump.

Usage: hdf5writer_oracle.py MANIFEST.json
The manifest lists files and, per file, every object that must be there: kind, link targets, attributes,
dtype, shape, max shape, chunk shape, filters and values (flattened, row-major). Prints one JSON object:
{"errors": [...]} (empty when every file matches exactly), then exits 0.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def describe(dt, h5type=None):
    """Our dtype descriptor for a numpy/h5py dtype (see the TypeScript test's `describeDtype`)."""
    if dt.names:
        return {"compound": [[name, describe(dt.fields[name][0])] for name in dt.names]}
    if h5py.check_ref_dtype(dt) is h5py.Reference:
        return "objectref"
    info = h5py.check_string_dtype(dt)
    if info is not None:
        encoding = "utf8" if info.encoding == "utf-8" else "ascii"
        return encoding if info.length is None else "fixed:%d:%s" % (info.length, encoding)
    if dt == np.bool_:
        if h5type is not None and h5type.get_class() != h5py.h5t.ENUM:
            return "bool-not-enum"
        return "bool"
    kind = {"i": "int", "u": "uint", "f": "float"}.get(dt.kind)
    if kind is None:
        return "unknown:%s" % dt
    return "%s%d" % (kind, dt.itemsize * 8)


def same(f, actual, expected, dtype):
    if isinstance(dtype, dict):
        return all(same(f, actual[name], expected[name], sub) for name, sub in dtype["compound"])
    if dtype == "objectref":
        if not (isinstance(actual, h5py.Reference) and bool(actual)):
            return False
        return h5py.h5o.get_info(f[actual].id).addr == h5py.h5o.get_info(f[expected["ref"]].id).addr
    if dtype in ("utf8", "ascii") or dtype.startswith("fixed:"):
        if isinstance(actual, bytes):
            actual = actual.decode("utf-8")
        return isinstance(actual, str) and actual == expected
    if dtype == "bool":
        return isinstance(actual, (bool, np.bool_)) and bool(actual) == expected
    if dtype.startswith("float"):
        return float(actual) == float(expected)
    return int(actual) == int(expected)


def check_value(f, where, actual, expected_dtype, shape, values, errors):
    array = np.asarray(actual) if not isinstance(actual, (str, bytes, h5py.Reference)) else None
    actual_shape = list(array.shape) if array is not None else []
    if actual_shape != shape:
        errors.append("%s: shape %s, expected %s" % (where, actual_shape, shape))
        return
    flat = [actual] if array is None else list(array.reshape(-1))
    if len(flat) != len(values):
        errors.append("%s: %d values, expected %d" % (where, len(flat), len(values)))
        return
    for i, (a, e) in enumerate(zip(flat, values)):
        if not same(f, a, e, expected_dtype):
            errors.append("%s[%d]: %r, expected %r" % (where, i, a, e))
            return


def check_attributes(f, obj, path, expected, errors):
    names = sorted(obj.attrs.keys())
    if names != sorted(expected):
        errors.append("%s: attributes %s, expected %s" % (path, names, sorted(expected)))
        return
    for name, spec in expected.items():
        where = "%s@%s" % (path, name)
        attr_id = obj.attrs.get_id(name)
        dtype = describe(attr_id.dtype, attr_id.get_type())
        if dtype != spec["dtype"]:
            errors.append("%s: dtype %s, expected %s" % (where, dtype, spec["dtype"]))
            continue
        check_value(f, where, obj.attrs[name], spec["dtype"], spec["shape"], spec["value"], errors)


def check_dataset(f, dset, node, errors):
    path = node["path"]
    dtype = describe(dset.dtype, dset.id.get_type())
    if dtype != node["dtype"]:
        errors.append("%s: dtype %s, expected %s" % (path, dtype, node["dtype"]))
        return
    if list(dset.chunks or []) != (node["chunks"] or []):
        errors.append("%s: chunks %s, expected %s" % (path, dset.chunks, node["chunks"]))
    if node["maxshape"] is not None and list(dset.maxshape) != node["maxshape"]:
        errors.append("%s: maxshape %s, expected %s" % (path, dset.maxshape, node["maxshape"]))
    plist = dset.id.get_create_plist()
    filters = [[plist.get_filter(i)[0], list(plist.get_filter(i)[2])] for i in range(plist.get_nfilters())]
    if filters != node["filters"]:
        errors.append("%s: filters %s, expected %s" % (path, filters, node["filters"]))
    check_value(f, path, dset[()], node["dtype"], node["shape"], node["value"], errors)


def check_file(entry, errors):
    with h5py.File(entry["file"], "r") as f:
        for node in entry["nodes"]:
            path = node["path"]
            obj = f[path]
            where_errors = []
            if node["kind"] == "group":
                if not isinstance(obj, h5py.Group):
                    where_errors.append("%s: not a group" % path)
                else:
                    names = sorted(obj.keys())
                    if names != sorted(node["children"]):
                        where_errors.append("%s: children %s, expected %s" % (path, names, sorted(node["children"])))
                    for name, link in node["children"].items():
                        actual = obj.get(name, getlink=True)
                        if link.startswith("soft:"):
                            ok = isinstance(actual, h5py.SoftLink) and actual.path == link[5:]
                        elif link.startswith("external:"):
                            _, file, target = link.split(":", 2)
                            ok = isinstance(actual, h5py.ExternalLink) and (actual.filename, actual.path) == (file, target)
                        else:
                            ok = isinstance(actual, h5py.HardLink)
                        if not ok:
                            where_errors.append("%s/%s: link %r, expected %s" % (path, name, actual, link))
            elif not isinstance(obj, h5py.Dataset):
                where_errors.append("%s: not a dataset" % path)
            else:
                check_dataset(f, obj, node, where_errors)
            check_attributes(f, obj, path, node["attrs"], where_errors)
            errors.extend("%s: %s" % (entry["file"], e) for e in where_errors)


def h5dump_failures(files):
    """Files that `h5dump -p -H` cannot parse: one run over all, halved until each failure is found."""
    dump = subprocess.run(["h5dump", "-p", "-H"] + files, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if dump.returncode == 0:
        return []
    if len(files) == 1:
        return [(files[0], dump.stderr.decode(errors="replace"))]
    middle = len(files) // 2
    return h5dump_failures(files[:middle]) + h5dump_failures(files[middle:])


def modify_copy(file):
    """HDF5 itself must be able to extend our files: add a group, attributes and a dataset, then read back."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "copy.h5")
        shutil.copy(file, copy)
        with h5py.File(copy, "r+") as f:
            for i in range(12):
                f.create_group("added_group_%d" % i).attrs["note"] = "added by HDF5 %d" % i
            f.attrs["added_attribute"] = np.arange(5)
            f.create_dataset("added_dataset", data=np.arange(100), chunks=(7,), compression="gzip")
        with h5py.File(copy, "r") as f:
            if list(f["added_dataset"][95:]) != [95, 96, 97, 98, 99] or f["added_group_11"].attrs["note"] != "added by HDF5 11":
                raise AssertionError("modified copy does not read back")
        dump = subprocess.run(["h5dump", "-p", "-H", copy], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if dump.returncode != 0:
            raise AssertionError("h5dump fails on the modified copy: %s" % dump.stderr.decode()[-300:])


def main():
    with open(sys.argv[1]) as stream:
        manifest = json.load(stream)
    errors = []
    for entry in manifest:
        try:
            check_file(entry, errors)
        except Exception as error:  # a file h5py cannot read at all
            errors.append("%s: h5py failed: %r" % (entry["file"], error))
    files = [entry["file"] for entry in manifest]
    existing = [file for file in files if os.path.exists(file)]
    for file in sorted(set(existing[:8] + sorted(existing, key=os.path.getsize)[-3:])):
        try:
            modify_copy(file)
        except Exception as error:
            errors.append("%s: HDF5 cannot extend the file: %r" % (file, error))
    for file, stderr in h5dump_failures(files):
        errors.append("%s: h5dump -p -H failed: %s" % (file, stderr[-500:]))
    print(json.dumps({"errors": errors, "files": len(files)}))


main()
