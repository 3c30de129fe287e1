use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn lot(expires_on: NaiveDate, quarantined: bool, vvm_stage: u8) -> LotState {
    LotState {
        expires_on,
        quarantined,
        vvm_stage,
    }
}

#[test]
fn every_kind_reads_back_and_its_delta_has_the_kinds_sign() {
    for kind in MovementKind::ALL {
        assert_eq!(MovementKind::parse(kind.as_str()), Some(kind));
        let delta = kind.delta(3);
        match kind.direction() {
            Direction::In => assert_eq!(delta, 3, "{kind:?}"),
            Direction::Out => assert_eq!(delta, -3, "{kind:?}"),
            Direction::None => assert_eq!(delta, 0, "{kind:?}"),
        }
    }
    assert!(MovementKind::TransferOut.needs_counterpart());
    assert!(MovementKind::AllocationIn.needs_counterpart());
    assert!(!MovementKind::Receipt.needs_counterpart());
    assert!(!MovementKind::Used.needs_counterpart());
}

#[test]
fn a_lot_is_usable_through_its_expiry_day_and_not_after() {
    let expiry = day(2026, 12, 31);
    assert_eq!(lot_refusal(&lot(expiry, false, 1), expiry), None);
    assert_eq!(
        lot_refusal(&lot(expiry, false, 1), day(2027, 1, 1)),
        Some(LotRefusal::Expired)
    );
}

#[test]
fn a_quarantine_is_named_before_expiry_and_the_monitor() {
    let expiry = day(2026, 1, 1);
    assert_eq!(
        lot_refusal(&lot(expiry, true, 4), day(2026, 6, 1)),
        Some(LotRefusal::Quarantined)
    );
    assert_eq!(
        lot_refusal(&lot(expiry, false, 4), day(2026, 6, 1)),
        Some(LotRefusal::Expired)
    );
}

#[test]
fn vvm_stages_three_and_four_are_not_used() {
    let expiry = day(2030, 1, 1);
    let on = day(2026, 12, 7);
    assert_eq!(lot_refusal(&lot(expiry, false, 2), on), None);
    assert_eq!(
        lot_refusal(&lot(expiry, false, 3), on),
        Some(LotRefusal::PastVvmDiscardPoint)
    );
    assert_eq!(
        LotRefusal::PastVvmDiscardPoint.problem(),
        ProblemCode::LotPastVvmDiscardPoint
    );
}

#[test]
fn allocations_flow_one_level_down_within_the_province() {
    let site = |level, province| Site { level, province };
    use FacilityLevel::*;
    assert!(allocation_allowed(
        site(Central, "01"),
        site(Provincial, "79")
    ));
    assert!(allocation_allowed(
        site(Provincial, "01"),
        site(DistrictCentre, "01")
    ));
    assert!(allocation_allowed(
        site(DistrictCentre, "01"),
        site(CommuneStation, "01")
    ));
    assert!(!allocation_allowed(
        site(Provincial, "01"),
        site(DistrictCentre, "79")
    ));
    assert!(!allocation_allowed(
        site(Provincial, "01"),
        site(CommuneStation, "01")
    ));
    assert!(!allocation_allowed(
        site(CommuneStation, "01"),
        site(CommuneStation, "01")
    ));
    assert!(!allocation_allowed(
        site(DistrictCentre, "01"),
        site(Provincial, "01")
    ));
}

#[test]
fn the_multi_dose_vial_policy_names_only_catalogue_vaccines() {
    for (code, _) in OPENED_VIAL_POLICY {
        assert!(crate::vaccine::entry(code).is_some(), "{code}");
    }
    assert_eq!(opened_vial_policy("opv"), OpenedVialPolicy::KeepUpTo28Days);
    assert_eq!(
        opened_vial_policy("bcg"),
        OpenedVialPolicy::DiscardAfterSixHours
    );
    // Not named by the policy: the cautious default.
    assert_eq!(
        opened_vial_policy("je"),
        OpenedVialPolicy::DiscardAfterSixHours
    );
}

#[test]
fn an_opened_vial_is_kept_28_days_or_discarded_after_six_hours_or_the_session() {
    let opened = day(2026, 12, 7).and_hms_opt(8, 0, 0).unwrap().and_utc();
    let session_end = day(2026, 12, 7).and_hms_opt(11, 0, 0).unwrap().and_utc();
    assert_eq!(
        OpenedVialPolicy::KeepUpTo28Days.discard_by(opened, Some(session_end)),
        opened + Duration::days(28)
    );
    assert_eq!(
        OpenedVialPolicy::DiscardAfterSixHours.discard_by(opened, Some(session_end)),
        session_end
    );
    assert_eq!(
        OpenedVialPolicy::DiscardAfterSixHours.discard_by(opened, None),
        opened + Duration::hours(6)
    );
    assert!(opened_vial_wastage_fits(10, 9));
    assert!(opened_vial_wastage_fits(10, 10));
    assert!(!opened_vial_wastage_fits(10, 11));
    assert!(!opened_vial_wastage_fits(1, 1));
}

fn request(kind: MovementRequestKind) -> StockMovementRequest {
    StockMovementRequest {
        kind,
        lot_id: None,
        lot: None,
        lot_ids: None,
        doses: None,
        to_facility_id: None,
        wastage_cause: None,
        write_off_cause: None,
        reason: None,
    }
}

fn codes(result: Result<StockMovement, Vec<FieldIssue>>) -> Vec<(String, String)> {
    result
        .unwrap_err()
        .into_iter()
        .map(|i| (i.field, i.code))
        .collect()
}

#[test]
fn a_transfer_needs_a_lot_positive_doses_and_another_facility() {
    let here = Uuid::from_u128(1);
    let lot = Uuid::from_u128(2);
    let mut transfer = request(MovementRequestKind::Transfer);
    transfer.lot_id = Some(lot);
    transfer.doses = Some(0);
    transfer.to_facility_id = Some(here);
    assert_eq!(
        codes(transfer.parse(here)),
        [
            ("doses".to_owned(), "doses_not_positive".to_owned()),
            ("to_facility_id".to_owned(), "same_facility".to_owned()),
        ]
    );
    transfer.doses = Some(-5);
    transfer.to_facility_id = Some(Uuid::from_u128(3));
    assert_eq!(
        codes(transfer.parse(here)),
        [("doses".to_owned(), "doses_not_positive".to_owned())]
    );
    transfer.doses = Some(5);
    assert_eq!(
        transfer.parse(here),
        Ok(StockMovement::Transfer {
            lot_id: lot,
            doses: 5,
            to: Uuid::from_u128(3),
            reason: None
        })
    );
}

#[test]
fn an_incident_names_lots_and_a_reason_and_moves_no_doses() {
    let here = Uuid::from_u128(1);
    let mut incident = request(MovementRequestKind::Incident);
    incident.doses = Some(3);
    assert_eq!(
        codes(incident.parse(here)),
        [
            ("doses".to_owned(), "not_allowed".to_owned()),
            ("lot_ids".to_owned(), "required".to_owned()),
            ("reason".to_owned(), "required".to_owned()),
        ]
    );
    incident.doses = None;
    incident.lot_ids = Some(vec![
        Uuid::from_u128(5),
        Uuid::from_u128(4),
        Uuid::from_u128(5),
    ]);
    incident.reason = Some("Tủ lạnh mất điện 6 giờ".to_owned());
    assert_eq!(
        incident.parse(here),
        Ok(StockMovement::Incident {
            lot_ids: vec![Uuid::from_u128(4), Uuid::from_u128(5)],
            reason: "Tủ lạnh mất điện 6 giờ".to_owned()
        })
    );
}

#[test]
fn a_receipt_of_a_new_lot_checks_it_against_the_catalogue() {
    let here = Uuid::from_u128(1);
    let mut receipt = request(MovementRequestKind::Receipt);
    receipt.doses = Some(100);
    receipt.lot = Some(NewLot {
        vaccine: "hexa".to_owned(),
        product: "Nope".to_owned(),
        manufacturer: "Sanofi".to_owned(),
        lot_number: "X1".to_owned(),
        expires_on: day(2027, 6, 30),
        doses_per_vial: 0,
        vvm_stage: 5,
    });
    assert_eq!(
        codes(receipt.parse(here)),
        [
            ("lot.product".to_owned(), "unknown_product".to_owned()),
            (
                "lot.doses_per_vial".to_owned(),
                "doses_per_vial_invalid".to_owned()
            ),
            ("lot.vvm_stage".to_owned(), "vvm_stage_invalid".to_owned()),
        ]
    );
    if let Some(lot) = receipt.lot.as_mut() {
        lot.product = "Hexaxim".to_owned();
        lot.doses_per_vial = 1;
        lot.vvm_stage = 1;
    }
    assert!(matches!(
        receipt.parse(here),
        Ok(StockMovement::Receipt {
            lot: LotRef::New(_),
            doses: 100,
            ..
        })
    ));
}

#[test]
fn a_month_parses_only_as_year_dash_month() {
    assert_eq!(
        Month::parse("2026-12").map(Month::first_day),
        Some(day(2026, 12, 1))
    );
    assert_eq!(
        Month::parse("2026-12").map(Month::end),
        Some(day(2027, 1, 1))
    );
    assert_eq!(Month::parse("2026-13"), None);
    assert_eq!(Month::parse("2026-1"), None);
    assert_eq!(Month::parse("26-12"), None);
    assert_eq!(Month::of(day(2026, 12, 7)).to_string(), "2026-12");
}

fn line(kind: MovementKind, doses: u32, on: NaiveDate) -> LedgerLine {
    LedgerLine {
        kind,
        delta: kind.delta(doses),
        occurred_on: on,
    }
}

#[test]
fn the_month_opens_with_what_came_before_and_closes_with_every_row_of_it() {
    let lines = [
        line(MovementKind::Receipt, 100, day(2026, 11, 3)),
        line(MovementKind::Used, 10, day(2026, 11, 20)),
        line(MovementKind::AllocationIn, 50, day(2026, 12, 1)),
        line(MovementKind::TransferIn, 5, day(2026, 12, 2)),
        line(MovementKind::TransferOut, 20, day(2026, 12, 3)),
        line(MovementKind::AllocationOut, 7, day(2026, 12, 3)),
        line(MovementKind::Used, 30, day(2026, 12, 4)),
        line(MovementKind::Wastage, 4, day(2026, 12, 5)),
        line(MovementKind::WriteOff, 6, day(2026, 12, 31)),
        line(MovementKind::Quarantine, 0, day(2026, 12, 6)),
        line(MovementKind::Used, 1, day(2027, 1, 1)),
    ];
    let december = month_figures(&lines, Month::parse("2026-12").unwrap());
    assert_eq!(
        december,
        MonthFigures {
            opening: 90,
            received: 50,
            transferred_in: 5,
            transferred_out: 27,
            used: 30,
            wasted: 4,
            written_off: 6,
            closing: 78,
        }
    );
    assert!(december.balances());
    // The closing of one month is the opening of the next.
    let january = month_figures(&lines, Month::parse("2027-01").unwrap());
    assert_eq!(january.opening, december.closing);
}

proptest::proptest! {
    #[test]
    fn every_month_balances_and_chains_to_the_next(
        rows in proptest::collection::vec((0usize..10, 0u32..1000, 0i64..120), 0..60)
    ) {
        let start = day(2026, 1, 1);
        let lines: Vec<LedgerLine> = rows
            .into_iter()
            .map(|(k, doses, offset)| line(MovementKind::ALL[k], doses, start + Duration::days(offset)))
            .collect();
        let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"].map(|m| Month::parse(m).unwrap());
        let mut previous_closing = 0;
        for month in months {
            let figures = month_figures(&lines, month);
            proptest::prop_assert!(figures.balances());
            proptest::prop_assert_eq!(figures.opening, previous_closing);
            previous_closing = figures.closing;
        }
        let total: i64 = lines.iter().map(|l| l.delta).sum();
        proptest::prop_assert_eq!(previous_closing, total);
    }
}
