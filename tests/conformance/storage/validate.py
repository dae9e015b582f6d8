"""Validates bucket CORS outputs against the services' own models (tests/targets_storage.rs).

Usage: validate.py DIR. Every file of DIR is checked by its name:

- ``*.s3.json``: the JSON of ``aws s3api put-bucket-cors --cors-configuration``. botocore's
  S3 service model validates it as the ``CORSConfiguration`` of ``PutBucketCors`` (the check
  the AWS CLI runs before sending), then botocore serializes the request as the CLI would and
  the XML body must fit S3's 64 KB.
- ``*.cfn.yaml``: a CloudFormation template, checked by cfn-lint (AWS's linter, which knows
  the ``AWS::S3::Bucket`` resource specification); any finding fails.
- ``*.gcs.json``: the file of ``gcloud storage buckets update --cors-file``, checked against
  the ``Bucket.cors`` schema of the Cloud Storage JSON API's discovery document (shipped in
  google-api-python-client).

Prints one line per kind with its count; exits 1 listing every failure.
"""

import glob
import json
import os
import subprocess
import sys

import botocore.session
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

S3_MAX_BYTES = 64 * 1024


def s3_failures(paths):
    model = botocore.session.get_session().get_service_model("s3")
    op = model.operation_model("PutBucketCors")
    serializer = create_serializer("rest-xml", include_validation=False)
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            config = json.load(f)
        params = {"Bucket": "bucket", "CORSConfiguration": config}
        report = ParamValidator().validate(params, op.input_shape)
        if report.has_errors():
            out.append(f"{p}: {report.generate_report()}")
            continue
        body = serializer.serialize_to_request(params, op)["body"]
        if len(body) > S3_MAX_BYTES:
            out.append(f"{p}: {len(body)} bytes of XML, S3 stores at most {S3_MAX_BYTES}")
        for rule in config["CORSRules"]:
            for key in ("AllowedOrigins", "AllowedHeaders"):
                for v in rule.get(key, []):
                    if v.count("*") > 1:
                        out.append(f"{p}: {key} value {v!r} has more than one `*`")
    return out


def cfn_failures(paths):
    if not paths:
        return []
    r = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "cfn-lint"), "--format", "parseable", "--", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0 or r.stdout.strip():
        return [f"cfn-lint (exit {r.returncode}):\n{r.stdout}{r.stderr}"]
    return []


def discovery_schema():
    import googleapiclient

    root = os.path.dirname(googleapiclient.__file__)
    path = os.path.join(root, "discovery_cache", "documents", "storage.v1.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["schemas"]["Bucket"]["properties"]["cors"]


def conforms(value, schema, where, out):
    """The subset of discovery-document schemas `Bucket.cors` uses: type, items, properties."""
    ty = schema.get("type")
    if ty == "array":
        if not isinstance(value, list):
            out.append(f"{where}: not an array")
            return
        for i, v in enumerate(value):
            conforms(v, schema["items"], f"{where}[{i}]", out)
    elif ty == "object":
        if not isinstance(value, dict):
            out.append(f"{where}: not an object")
            return
        props = schema.get("properties", {})
        for k, v in value.items():
            if k not in props:
                out.append(f"{where}: unknown field {k!r}")
            else:
                conforms(v, props[k], f"{where}.{k}", out)
    elif ty == "string":
        if not isinstance(value, str):
            out.append(f"{where}: not a string")
    elif ty == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            out.append(f"{where}: not an integer")
        elif schema.get("format") == "int32" and not -(2**31) <= value < 2**31:
            out.append(f"{where}: out of int32 range")
    else:
        out.append(f"{where}: schema type {ty!r} not understood")


def gcs_failures(paths):
    schema = discovery_schema()
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            conforms(json.load(f), schema, p, out)
    return out


def main():
    d = sys.argv[1]
    kinds = [
        ("s3 put-bucket-cors (botocore)", "*.s3.json", s3_failures),
        ("CloudFormation templates, s3 and cloudfront (cfn-lint)", "*.cfn.yaml", cfn_failures),
        ("gcs cors-file (discovery schema)", "*.gcs.json", gcs_failures),
    ]
    failures = []
    for name, pattern, check in kinds:
        paths = sorted(glob.glob(os.path.join(d, pattern)))
        failures += check(paths)
        print(f"{name}: {len(paths)} files")
    if failures:
        print("\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
