use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn terms<'a>(sections: &'a [Section], categories: &'a [Category]) -> ConsentTerms<'a> {
    ConsentTerms {
        citizen_name: "Nguyễn Thị Lan",
        facility_name: "Trạm y tế Phường Ba Đình",
        practitioner: None,
        purpose: Purpose::Treatment,
        sections,
        categories,
        valid_until: day(2027, 6, 30),
    }
}

#[test]
fn the_rendered_text_names_everything_agreed_to() {
    let sections = [Section::History, Section::Visits];
    let text = render(CURRENT_TEXT_VERSION, Lang::Vi, &terms(&sections, &[])).unwrap();
    assert!(text.starts_with(
        "Tôi, Nguyễn Thị Lan, đồng ý cho Trạm y tế Phường Ba Đình xem các phần sau của sổ sức \
         khỏe điện tử của tôi: tiền sử và khám bệnh, để khám và chữa bệnh."
    ));
    assert!(text.contains("không bao gồm thông tin nhạy cảm nào"));
    assert!(text.contains("đến hết ngày 30/06/2027"));
    assert!(text.contains("rút lại sự đồng ý bất cứ lúc nào trong ứng dụng"));
    assert!(text.contains("không bao giờ ảnh hưởng đến việc tôi được khám và chữa bệnh"));
    assert!(!text.contains('{'));

    let all = Section::ALL;
    let categories = [Category::Hiv, Category::MentalHealth];
    let text = render(CURRENT_TEXT_VERSION, Lang::En, &terms(&all, &categories)).unwrap();
    assert!(text.contains(
        "administrative details, history, immunizations, visits and home readings, for treatment."
    ));
    assert!(text.contains("also covers sensitive information about: HIV and mental health."));
    assert!(text.contains("until the end of 30/06/2027"));
    assert!(text.contains("withdraw it at any time in the app"));
    assert!(text.contains("never affects the care I receive"));
}

#[test]
fn a_consent_to_one_practitioner_names_them_at_their_facility() {
    let sections = [Section::Visits];
    let doctor = practitioner_words("BS.CKII", "Trần Văn Minh");
    let mut t = terms(&sections, &[]);
    t.practitioner = Some(&doctor);
    let text = render(CURRENT_TEXT_VERSION, Lang::Vi, &t).unwrap();
    assert!(text.starts_with(
        "Tôi, Nguyễn Thị Lan, đồng ý cho BS.CKII Trần Văn Minh tại Trạm y tế Phường Ba Đình xem"
    ));
    let text = render(CURRENT_TEXT_VERSION, Lang::En, &t).unwrap();
    assert!(text.contains("agree that BS.CKII Trần Văn Minh at Trạm y tế Phường Ba Đình may see"));
    assert_eq!(practitioner_words(" ", "Lê An"), "Lê An");
}

#[test]
fn a_name_that_looks_like_a_placeholder_is_left_as_typed() {
    let sections = [Section::Visits];
    let mut t = terms(&sections, &[]);
    t.citizen_name = "{purpose} {x";
    let text = render(CURRENT_TEXT_VERSION, Lang::En, &t).unwrap();
    assert!(text.starts_with("I, {purpose} {x, agree"));
}

#[test]
fn only_known_versions_have_a_text() {
    for lang in [Lang::Vi, Lang::En] {
        let template = template(CURRENT_TEXT_VERSION, lang).unwrap();
        for placeholder in [
            "{citizen_name}",
            "{facility_name}",
            "{purpose}",
            "{sections}",
            "{sensitive}",
            "{valid_until}",
        ] {
            assert!(template.contains(placeholder), "{placeholder}");
        }
        assert_eq!(current_text(lang).template, template);
    }
    assert!(template("2020-01", Lang::Vi).is_none());
    assert!(render("", Lang::En, &terms(&[Section::Visits], &[])).is_none());
}

#[test]
fn words_in_both_languages() {
    assert_eq!(list_in_words(&[], Lang::Vi), "");
    assert_eq!(list_in_words(&["a"], Lang::Vi), "a");
    assert_eq!(list_in_words(&["a", "b", "c"], Lang::Vi), "a, b và c");
    assert_eq!(list_in_words(&["a", "b"], Lang::En), "a and b");
    for section in Section::ALL {
        assert_ne!(
            section_words(section, Lang::Vi),
            section_words(section, Lang::En)
        );
    }
    assert_eq!(category_words(Category::Tuberculosis, Lang::Vi), "bệnh lao");
    assert_eq!(purpose_words(Purpose::FollowUp, Lang::En), "follow-up care");
}

fn request() -> GrantConsentRequest {
    GrantConsentRequest {
        facility_id: uuid::Uuid::nil(),
        practitioner_id: None,
        purpose: Purpose::Referral,
        sections: vec![Section::History, Section::Visits],
        categories: vec![Category::Tuberculosis],
        valid_until: day(2027, 12, 6),
        text_version: CURRENT_TEXT_VERSION.to_owned(),
        channel: Channel::App,
        agreed: true,
        child_assent: None,
    }
}

fn codes(request: &GrantConsentRequest, child_age: Option<u32>) -> Vec<(String, String)> {
    match check_grant(request, day(2026, 12, 6), child_age) {
        Ok(()) => Vec::new(),
        Err(issues) => issues.into_iter().map(|i| (i.field, i.code)).collect(),
    }
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

#[test]
fn a_grant_must_be_agreed_to_in_so_many_words() {
    assert!(codes(&request(), None).is_empty());
    let mut r = request();
    r.agreed = false;
    assert_eq!(codes(&r, None), [pair("agreed", "consent_not_agreed")]);
}

#[test]
fn a_grant_names_sections_once_each() {
    let mut r = request();
    r.sections.clear();
    assert_eq!(
        codes(&r, None),
        [pair("sections", "consent_sections_empty")]
    );
    let mut r = request();
    r.sections.push(Section::History);
    r.categories.push(Category::Tuberculosis);
    assert_eq!(
        codes(&r, None),
        [
            pair("sections[2]", "consent_duplicate"),
            pair("categories[1]", "consent_duplicate")
        ]
    );
}

#[test]
fn a_grant_runs_from_today_to_two_years_ahead() {
    let mut r = request();
    for ok in [day(2026, 12, 6), day(2028, 12, 6)] {
        r.valid_until = ok;
        assert!(codes(&r, None).is_empty(), "{ok}");
    }
    r.valid_until = day(2026, 12, 5);
    assert_eq!(
        codes(&r, None),
        [pair("valid_until", "consent_valid_until_past")]
    );
    r.valid_until = day(2028, 12, 7);
    assert_eq!(
        codes(&r, None),
        [pair("valid_until", "consent_valid_until_too_far")]
    );
}

#[test]
fn a_grant_names_a_known_text() {
    let mut r = request();
    r.text_version = "2025-01".into();
    assert_eq!(
        codes(&r, None),
        [pair("text_version", "consent_text_version_unknown")]
    );
}

#[test]
fn a_child_of_seven_or_more_must_assent() {
    let mut r = request();
    assert!(codes(&r, Some(6)).is_empty());
    assert_eq!(
        codes(&r, Some(7)),
        [pair("child_assent", "child_assent_required")]
    );
    r.child_assent = Some(false);
    assert_eq!(
        codes(&r, Some(15)),
        [pair("child_assent", "child_assent_required")]
    );
    r.child_assent = Some(true);
    assert!(codes(&r, Some(7)).is_empty());
}
