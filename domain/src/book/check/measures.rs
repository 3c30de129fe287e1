//! Measurements: a visit's vital signs and the citizen's own readings.
//!
//! The ranges are what can be measured on a living person, not what is normal: a value
//! outside them is a typing or unit mistake (a temperature in Fahrenheit, a glucose in mg/dL
//! typed as mmol/L, a weight in grams), never a patient to alarm about. They are wide on
//! purpose, so that no real reading, however alarming, is ever refused:
//!
//! - systolic 50–300 mmHg (shock still reads about 50; crises are recorded near 300), diastolic
//!   20–200 mmHg and below the systolic;
//! - pulse 20–250 /min (complete heart block to an infant's supraventricular tachycardia);
//! - temperature 30–45 °C (deep hypothermia to the highest fevers survived);
//! - SpO₂ 50–100 % (pulse oximeters are not calibrated below about 50 %);
//! - glucose 1–40 mmol/L, or 18–720 mg/dL (the same span × 18): meters stop near 33 mmol/L;
//! - weight 0.3–350 kg (the smallest premature newborns to the heaviest adults), height
//!   20–260 cm, waist 20–250 cm;
//! - respiratory rate 4–80 /min (opioid depression to a newborn in distress).

use super::{Check, Text};
use crate::book::encounter::VitalSigns;
use crate::book::observation::{Observation, ObservationKind};
use crate::issue::FieldIssue;

/// A span of possible values in one UCUM unit; `words` is how the unit reads in a message.
#[derive(Clone, Copy)]
struct Span {
    unit: &'static str,
    words: &'static str,
    min: f64,
    max: f64,
}

const fn span(unit: &'static str, words: &'static str, min: f64, max: f64) -> Span {
    Span {
        unit,
        words,
        min,
        max,
    }
}

const SYSTOLIC: Span = span("mm[Hg]", "mmHg", 50.0, 300.0);
const DIASTOLIC: Span = span("mm[Hg]", "mmHg", 20.0, 200.0);
const PULSE: Span = span("/min", "/phút (/min)", 20.0, 250.0);
const TEMPERATURE: Span = span("Cel", "°C", 30.0, 45.0);
const SPO2: Span = span("%", "%", 50.0, 100.0);
const GLUCOSE_MMOL: Span = span("mmol/L", "mmol/L", 1.0, 40.0);
const GLUCOSE_MG: Span = span("mg/dL", "mg/dL", 18.0, 720.0);
const WEIGHT: Span = span("kg", "kg", 0.3, 350.0);
const HEIGHT: Span = span("cm", "cm", 20.0, 260.0);
const RESPIRATORY_RATE: Span = span("/min", "/phút (/min)", 4.0, 80.0);
const WAIST: Span = span("cm", "cm", 20.0, 250.0);

/// The units a kind may be read in, each with its span.
fn spans(kind: ObservationKind) -> &'static [Span] {
    match kind {
        ObservationKind::BloodPressure => &[SYSTOLIC],
        ObservationKind::HeartRate => &[PULSE],
        ObservationKind::BodyTemperature => &[TEMPERATURE],
        ObservationKind::OxygenSaturation => &[SPO2],
        ObservationKind::BloodGlucose => &[GLUCOSE_MMOL, GLUCOSE_MG],
        ObservationKind::BodyWeight => &[WEIGHT],
        ObservationKind::BodyHeight => &[HEIGHT],
        ObservationKind::RespiratoryRate => &[RESPIRATORY_RATE],
        ObservationKind::WaistCircumference => &[WAIST],
    }
}

/// The UCUM units accepted for a kind (`mm[Hg]`, `/min`, `Cel`, `%`, `mmol/L`, `mg/dL`, `kg`,
/// `cm`): what the apps offer and the FHIR export writes.
pub fn units_for(kind: ObservationKind) -> Vec<&'static str> {
    spans(kind).iter().map(|s| s.unit).collect()
}

impl Check {
    /// `NaN` and infinities fall outside every span, so they are refused here too.
    fn within(&mut self, field: &str, value: Option<f64>, span: Span) -> bool {
        match value {
            Some(v) if !(span.min..=span.max).contains(&v) => {
                self.out_of_range(field, span.min, span.max, span.words);
                false
            }
            _ => true,
        }
    }

    fn diastolic_not_below(&mut self, field: &str) {
        self.push(FieldIssue::new(
            field,
            "diastolic_not_below_systolic",
            "Huyết áp tâm trương phải thấp hơn tâm thu.",
            "The diastolic pressure must be below the systolic.",
        ));
    }
}

/// Checks the vital signs, and computes the BMI from height and weight: any BMI sent is
/// replaced, and cleared when either is missing.
pub(super) fn vital_signs(check: &mut Check, signs: &mut VitalSigns) {
    let field = |name: &str| format!("vital_signs.{name}");
    check.within(&field("pulse"), signs.pulse, PULSE);
    check.within(&field("temperature_c"), signs.temperature_c, TEMPERATURE);
    let systolic_ok = check.within(&field("systolic"), signs.systolic, SYSTOLIC);
    let diastolic_ok = check.within(&field("diastolic"), signs.diastolic, DIASTOLIC);
    if let (Some(systolic), Some(diastolic)) = (signs.systolic, signs.diastolic)
        && systolic_ok
        && diastolic_ok
        && diastolic >= systolic
    {
        check.diastolic_not_below(&field("diastolic"));
    }
    check.within(
        &field("respiratory_rate"),
        signs.respiratory_rate,
        RESPIRATORY_RATE,
    );
    let height_ok = check.within(&field("height_cm"), signs.height_cm, HEIGHT);
    let weight_ok = check.within(&field("weight_kg"), signs.weight_kg, WEIGHT);
    check.within(&field("waist_cm"), signs.waist_cm, WAIST);
    signs.bmi = match (signs.height_cm, signs.weight_kg) {
        (Some(height), Some(weight)) if height_ok && weight_ok => Some(bmi(height, weight)),
        _ => None,
    };
}

/// kg/m², to one decimal.
pub fn bmi(height_cm: f64, weight_kg: f64) -> f64 {
    let metres = height_cm / 100.0;
    (weight_kg / (metres * metres) * 10.0).round() / 10.0
}

pub(super) fn observation(check: &mut Check, reading: &mut Observation) {
    let unit = reading.unit.trim().to_owned();
    reading.unit = unit;
    match spans(reading.kind).iter().find(|s| s.unit == reading.unit) {
        Some(span) => {
            check.within("value", Some(reading.value), *span);
        }
        None => {
            let allowed = units_for(reading.kind).join(", ");
            check.push(FieldIssue::new(
                "unit",
                "unit_invalid",
                format!("Đơn vị của chỉ số này phải là: {allowed}."),
                format!("The unit of this reading must be: {allowed}."),
            ));
        }
    }
    match (reading.kind, reading.second_value) {
        (ObservationKind::BloodPressure, None) => check.push(FieldIssue::new(
            "second_value",
            "second_value_required",
            "Cần nhập huyết áp tâm trương.",
            "The diastolic pressure is required.",
        )),
        (ObservationKind::BloodPressure, Some(diastolic)) => {
            if check.within("second_value", Some(diastolic), DIASTOLIC)
                && (SYSTOLIC.min..=SYSTOLIC.max).contains(&reading.value)
                && diastolic >= reading.value
            {
                check.diastolic_not_below("second_value");
            }
        }
        (_, Some(_)) => check.push(FieldIssue::new(
            "second_value",
            "second_value_not_allowed",
            "Chỉ số này chỉ có một giá trị.",
            "This reading has a single value.",
        )),
        (_, None) => {}
    }
    check.past_instant("taken_at", reading.taken_at);
    check.optional("note", &mut reading.note, Text::Long);
}
