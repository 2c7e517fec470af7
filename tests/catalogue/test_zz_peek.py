from tests.catalogue.test_import_release_checks import *  # noqa
def test_peek(tmp_path, catalogue, agency, admin_user):
    path = tmp_path / "legacy.csv"
    path.write_bytes(csv_bytes(agency))
    out, error = run(path)
    print("OUT>>", out, "ERR>>", error)
