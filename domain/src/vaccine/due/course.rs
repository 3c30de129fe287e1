//! Paid products' courses on the due list: a single-antigen product's label decides how many
//! doses complete its antigen and by which age (Rotarix by 24 weeks, RotaTeq's three doses by
//! 32), and any product's label adds its own minimum interval before its next dose (the
//! 6-in-1's booster six months after the third dose).

use super::track::covers;
use super::{Antigen, GivenDose};
use crate::vaccine::{CatalogueEntry, Confidence, Course, Programme, VaccineProduct, entry};
use chrono::NaiveDate;

/// A paid product's course a person follows for an antigen.
pub(super) struct Following {
    pub product: &'static str,
    pub course: &'static Course,
}

/// The course of the single-antigen paid product every counted dose of `antigen` was, if
/// they all were one (`Rotarix` ×2). A mixed or programme series follows the schedule's rows
/// instead: the label's course says nothing of doses of another product.
pub(super) fn single_product_course(
    history: &[GivenDose],
    antigen: Antigen,
    birth: NaiveDate,
    today: NaiveDate,
) -> Option<Following> {
    let mut doses = counted(history, antigen, today);
    let first = doses.next()?;
    let (vaccine, product) = paid_product(first)?;
    if vaccine.antigens() != [antigen] {
        return None;
    }
    let mut first_day = first.on;
    for dose in doses {
        if dose.vaccine != first.vaccine || dose.product != first.product {
            return None;
        }
        first_day = first_day.min(dose.on);
    }
    let product = vaccine.product(product)?;
    let course = product.courses_open_to(birth, first_day).next()?;
    Some(Following {
        product: product.name,
        course,
    })
}

/// The course of the earliest dose of `antigen` that names a paid product, for an antigen the
/// programme does not schedule (varicella, hepatitis A, HPV…): a series started is continued
/// by its first product's label, whatever products follow. A dose given outside every course
/// of its label (too young) leaves the choice to the next one; if every dose was, the first
/// product's first course is still followed, so that a started series never loses its line.
pub(super) fn first_product_course(
    history: &[GivenDose],
    antigen: Antigen,
    birth: NaiveDate,
    today: NaiveDate,
) -> Option<Following> {
    let mut named: Vec<(NaiveDate, &'static VaccineProduct)> = counted(history, antigen, today)
        .filter_map(|d| {
            let (vaccine, name) = paid_product(d)?;
            Some((d.on, vaccine.product(name)?))
        })
        .collect();
    named.sort_by_key(|(on, product)| (*on, product.name));
    let open = named.iter().find_map(|(on, product)| {
        let course = product.courses_open_to(birth, *on).next()?;
        Some((*product, course))
    });
    let (product, course) = match open {
        Some(found) => found,
        None => {
            let (_, product) = named.first()?;
            (*product, product.courses.first()?)
        }
    };
    Some(Following {
        product: product.name,
        course,
    })
}

/// The first day the product of the latest dose of `antigen` allows its next dose, by its
/// label's minimum interval, with how sure the label's value is; `None` when that dose was
/// not a paid product with a course open to the person, or its course is done.
///
/// The interval holds for the antigen's next dose whichever product gives it: it protects the
/// response to the antigen (a 4th polio dose after three 6-in-1 doses waits the label's 6
/// months even as the programme's IPV, as ACIP also asks of a last IPV dose).
pub(super) fn product_interval_end(
    history: &[GivenDose],
    antigen: Antigen,
    birth: NaiveDate,
    today: NaiveDate,
) -> Option<(NaiveDate, Confidence)> {
    let last = counted(history, antigen, today).max_by_key(|d| d.on)?;
    let (vaccine, name) = paid_product(last)?;
    let mut days: Vec<NaiveDate> = counted(history, antigen, today)
        .filter(|d| d.vaccine == last.vaccine && d.product == last.product)
        .map(|d| d.on)
        .collect();
    days.sort_unstable();
    days.dedup();
    let course = vaccine
        .product(name)?
        .courses_open_to(birth, *days.first()?)
        .next()?;
    let end = course.min_interval_before(days.len() + 1)?.after(last.on)?;
    Some((end, course.confidence))
}

fn counted(
    history: &[GivenDose],
    antigen: Antigen,
    today: NaiveDate,
) -> impl Iterator<Item = &GivenDose> {
    history.iter().filter(move |d| {
        d.verified && d.on <= today && covers(&d.vaccine, d.product.as_deref()).contains(&antigen)
    })
}

fn paid_product(dose: &GivenDose) -> Option<(&'static CatalogueEntry, &str)> {
    let vaccine = entry(&dose.vaccine).filter(|e| e.programme == Programme::Service)?;
    Some((vaccine, dose.product.as_deref()?))
}
