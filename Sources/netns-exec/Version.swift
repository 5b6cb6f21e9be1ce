/// Kept equal to the VERSION file; the integration tests check it.
let netnsExecVersion = "0.1.0"
