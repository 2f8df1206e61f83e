// The words for session safety's keys, beside vocabulary.js (which the report's first load
// carries; these come only with the safety parts): medication classes, the sedating ones a
// session takes (`concomitant`) and the phases of a blood-pressure reading (the bladder
// symptoms Today asks about are bladder-card.js's, so Today does not load these words).
// tests/test_web_vocabulary.py holds them to the OpenAPI document.
// Labels: vocab.med_class.<key>, vocab.bp_phase.<key> (dynamic keys, as in vocabulary.js).

import { labelIn, options } from "./vocabulary.js";

// A medication's class; the sedating ones are also the classes a session's `concomitant`
// takes (CONCOMITANT, the same words).
export const MED_CLASSES = [
  ["antidepressant", "vocab.med_class.antidepressant"],
  ["benzodiazepine", "vocab.med_class.benzodiazepine"],
  ["sedative_hypnotic", "vocab.med_class.sedative_hypnotic"],
  ["psychostimulant", "vocab.med_class.psychostimulant"],
  ["maoi", "vocab.med_class.maoi"],
  ["opioid", "vocab.med_class.opioid"],
  ["anticonvulsant", "vocab.med_class.anticonvulsant"],
  ["other", "vocab.med_class.other"],
];

export const CONCOMITANT = [
  ["benzodiazepine", "vocab.med_class.benzodiazepine"],
  ["sedative_hypnotic", "vocab.med_class.sedative_hypnotic"],
  ["psychostimulant", "vocab.med_class.psychostimulant"],
  ["maoi", "vocab.med_class.maoi"],
  ["opioid", "vocab.med_class.opioid"],
  ["other", "vocab.med_class.other"],
];

// When a blood-pressure reading was taken, relative to dosing.
export const BP_PHASES = [
  ["before", "vocab.bp_phase.before"],
  ["during", "vocab.bp_phase.during"],
  ["after", "vocab.bp_phase.after"],
];

export const medClassLabel = (key) => labelIn(MED_CLASSES, key);
export const bpPhaseLabel = (key) => labelIn(BP_PHASES, key);
export const medClassOptions = () => options(MED_CLASSES);
export const concomitantOptions = () => options(CONCOMITANT);
export const bpPhaseOptions = () => options(BP_PHASES);
