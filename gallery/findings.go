package gallery

// Findings explains every verdict of the gallery run that is not a plain
// pass. make gallery fails on a failure without a finding and on a finding
// that no longer happens.
var Findings = []Finding{}
