"""Validating a tender (issue 15): synthetic populations (`profile`, `synth`), the impact
of a new model against the old (`diff`, `why`), marginal incentives (`incentives`) and
the self-contained HTML report (`report`, `svg`)."""
