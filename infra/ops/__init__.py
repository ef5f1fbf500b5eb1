"""Operations as code for the template: ``template.d/40-ops.json`` and the runbook, from chalicelib/ops."""
