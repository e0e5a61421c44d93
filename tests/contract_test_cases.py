"""Contract-test text shared by the `ersl test` and pytest-plugin tests."""

HEADER = 'use "clinic.ersl"\n\n'

# Doctor visit of an 82-year-old: fee 200 kr × the 80+ weight 1.5 = 300.00 kr (clinic.ersl).
VISIT_82 = """\
test "an 82-year-old's visit gets the 80+ weight" {
  period 2022-03
  given {
    provider VC1 {}
    patient  P1 { birth_date 1940-01-15 }
    visit    V1 { patient P1, provider VC1, date 2022-03-10, profession doctor, mode physical }
  }
  expect {
    VC1 "Besök" 2022-03 = 300.00 kr
  }
}
"""
