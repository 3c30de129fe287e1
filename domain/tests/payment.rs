//! The payment rules: money.

use healthbook_domain::payment::Dong;

// ---------------------------------------------------------------------------------------
// Money

#[test]
fn dong_groups_thousands_with_dots_and_follows_with_the_sign() {
    assert_eq!(Dong::new(0).to_string(), "0 ₫");
    assert_eq!(Dong::new(999).to_string(), "999 ₫");
    assert_eq!(Dong::new(1_000).to_string(), "1.000 ₫");
    assert_eq!(Dong::new(1_250_000).to_string(), "1.250.000 ₫");
    assert_eq!(
        Dong::new(u64::MAX).to_string(),
        "18.446.744.073.709.551.615 ₫"
    );
}

#[test]
fn dong_serialises_as_a_plain_integer() {
    assert_eq!(
        serde_json::to_string(&Dong::new(150_000)).unwrap(),
        "150000"
    );
    let read: Dong = serde_json::from_str("150000").unwrap();
    assert_eq!(read, Dong::new(150_000));
    assert!(serde_json::from_str::<Dong>("1.5").is_err());
    assert!(serde_json::from_str::<Dong>("-1").is_err());
}

#[test]
fn dong_arithmetic_refuses_overflow_and_going_below_zero() {
    assert_eq!(
        Dong::new(100).checked_add(Dong::new(50)),
        Some(Dong::new(150))
    );
    assert_eq!(Dong::new(u64::MAX).checked_add(Dong::new(1)), None);
    assert_eq!(
        Dong::new(100).checked_sub(Dong::new(40)),
        Some(Dong::new(60))
    );
    assert_eq!(Dong::new(40).checked_sub(Dong::new(100)), None);
}
