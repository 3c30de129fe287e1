//! The administrative lists as compiled in: counts, look-ups, search and the conversion from
//! the units before 1 July 2025. Also checks that the identifier rules agree with the copies
//! of the reference tables in `data/identifiers/`.

// The code helpers below take literals from the tests; a bad literal is a broken test.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashSet};

use healthbook_domain::ids::{NationalId, Sex};
use healthbook_domain::text::fold;
use healthbook_domain::units::{
    self, CommuneCode, CommuneKind, MergeKind, ProvinceCode, ProvinceKind, commune, communes,
    communes_of, conversions, convert_former_commune, convert_former_province, former_province,
    former_provinces, province, provinces, search_communes, search_provinces,
};

fn province_code(code: &str) -> ProvinceCode {
    ProvinceCode::parse(code).unwrap()
}

fn commune_code(code: &str) -> CommuneCode {
    CommuneCode::parse(code).unwrap()
}

fn names<T>(units: &[&T], name: impl Fn(&T) -> &'static str) -> Vec<&'static str> {
    units.iter().map(|unit| name(unit)).collect()
}

#[test]
fn there_are_34_provinces_3321_communes_and_63_former_provinces() {
    assert_eq!(provinces().len(), 34);
    assert_eq!(communes().len(), 3321);
    assert_eq!(former_provinces().len(), 63);
}

#[test]
fn commune_kinds_add_up_to_the_official_totals() {
    let count = |kind| communes().iter().filter(|c| c.kind == kind).count();
    assert_eq!(count(CommuneKind::Commune), 2621);
    assert_eq!(count(CommuneKind::Ward), 687);
    assert_eq!(count(CommuneKind::SpecialZone), 13);
    let cities = provinces()
        .iter()
        .filter(|p| p.kind == ProvinceKind::City)
        .count();
    assert_eq!(cities, 6);
}

#[test]
fn every_commune_belongs_to_a_province_and_is_found_by_its_code() {
    let mut total = 0;
    for p in provinces() {
        let of_province = communes_of(p.code);
        assert!(!of_province.is_empty(), "{}", p.name);
        assert!(of_province.iter().all(|c| c.province_code == p.code));
        total += of_province.len();
    }
    assert_eq!(total, communes().len());
    for c in communes() {
        assert_eq!(commune(c.code), Some(c));
        assert_eq!(c.province().map(|p| p.code), Some(c.province_code));
    }
}

#[test]
fn province_and_commune_look_ups_by_code() {
    let hanoi = province(province_code("01")).unwrap();
    assert_eq!(hanoi.name, "Thành phố Hà Nội");
    assert_eq!(hanoi.short_name(), "Hà Nội");
    assert_eq!(hanoi.kind, ProvinceKind::City);
    assert_eq!(communes_of(hanoi.code).len(), 126);

    let ba_dinh = commune(commune_code("00004")).unwrap();
    assert_eq!(ba_dinh.name, "Phường Ba Đình");
    assert_eq!(ba_dinh.short_name(), "Ba Đình");
    assert_eq!(ba_dinh.kind, CommuneKind::Ward);
    assert_eq!(ba_dinh.province_code, hanoi.code);

    assert_eq!(province(province_code("02")), None);
    assert!(communes_of(province_code("02")).is_empty());
    assert_eq!(commune(commune_code("99999")), None);
}

#[test]
fn names_are_cleaned_of_doubled_spaces() {
    assert!(communes().iter().all(|c| !c.name.contains("  ")));
    let an_nhon = search_communes("an nhon", Some(province_code("79")));
    assert_eq!(an_nhon.first().map(|c| c.name), Some("Phường An Nhơn"));
}

#[test]
fn search_finds_provinces_without_diacritics_or_unit_word() {
    let found = search_provinces("ha noi");
    assert_eq!(found.first().map(|p| p.name), Some("Thành phố Hà Nội"));
    let found = search_provinces("  HỒ CHÍ MINH ");
    assert_eq!(found.first().map(|p| p.code), Some(province_code("79")));
    let found = search_provinces("tp hue");
    assert_eq!(found.first().map(|p| p.name), Some("Thành phố Huế"));
}

#[test]
fn search_ignores_diacritics_and_d_stroke() {
    let found = search_communes("ba dinh", None);
    assert_eq!(found.first().map(|c| c.name), Some("Phường Ba Đình"));
    let found = search_provinces("dak lak");
    assert_eq!(names(&found, |p| p.name), vec!["Đắk Lắk"]);
    let found = search_communes("Đặc khu Phú Quốc", None);
    assert_eq!(found.first().map(|c| c.name), Some("Đặc khu Phú Quốc"));
}

#[test]
fn search_ranks_exact_matches_before_prefixes_before_substrings() {
    let found = search_provinces("ha");
    let found = names(&found, |p| p.name);
    // "Hà Nội", "Hà Tĩnh", "Hải Phòng" start with "ha"; "Khánh Hòa" only contains it.
    let position = |name| found.iter().position(|n| *n == name).unwrap();
    assert!(position("Thành phố Hà Nội") < position("Khánh Hòa"));
    assert!(position("Hà Tĩnh") < position("Khánh Hòa"));
}

#[test]
fn search_orders_communes_exact_then_prefix_then_word_then_substring() {
    use healthbook_domain::text::fold_words;
    let category = |short_name: &str, query: &str| {
        let name = fold_words(short_name);
        if name == query {
            0
        } else if name.starts_with(query) {
            1
        } else if name.contains(&format!(" {query}")) {
            2
        } else {
            3
        }
    };
    for query in ["an", "tan", "an nhon", "binh", "long"] {
        let found = search_communes(query, None);
        assert!(found.len() > 2, "{query}");
        let categories: Vec<_> = found
            .iter()
            .map(|c| category(c.short_name(), query))
            .collect();
        assert!(categories.is_sorted(), "{query}: {categories:?}");
    }
    let exact: Vec<_> = search_communes("an nhon", None)
        .into_iter()
        .take_while(|c| c.short_name() == "An Nhơn")
        .map(|c| c.province_code.to_string())
        .collect();
    assert_eq!(exact, ["52", "79"]);
}

#[test]
fn search_within_a_province_stays_in_it() {
    let hits = search_communes("tan", Some(province_code("79")));
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|c| c.province_code == province_code("79")));
}

#[test]
fn search_keeps_a_unit_word_that_is_part_of_the_name() {
    // "Tịnh" in "Tịnh Biên" is also the folded "tỉnh".
    let found = search_communes("tinh bien", None);
    assert_eq!(found.first().map(|c| c.name), Some("Phường Tịnh Biên"));
}

#[test]
fn search_with_an_empty_query_finds_nothing() {
    assert!(search_provinces("").is_empty());
    assert!(search_communes(" - ", None).is_empty());
}

#[test]
fn truc_bach_became_part_of_ba_dinh() {
    let conversions = convert_former_commune(commune_code("00004"));
    assert_eq!(conversions.len(), 1);
    let conversion = conversions[0];
    assert_eq!(conversion.former.name, "Phường Trúc Bạch");
    assert_eq!(conversion.former.district_name, "Quận Ba Đình");
    assert_eq!(conversion.commune.name, "Phường Ba Đình");
    assert_eq!(conversion.commune.code, commune_code("00004"));
    assert_eq!(conversion.merge, MergeKind::Whole);
    assert!(!conversion.needs_review);
}

#[test]
fn a_partially_merged_commune_maps_to_several_communes() {
    // Phường Ngọc Hà (Ba Đình) was split between Phường Ba Đình and Phường Ngọc Hà.
    let conversions = convert_former_commune(commune_code("00016"));
    let targets: Vec<_> = conversions.iter().map(|c| c.commune.name).collect();
    assert!(targets.len() >= 2, "{targets:?}");
    assert!(targets.contains(&"Phường Ba Đình"), "{targets:?}");
    assert!(conversions.iter().all(|c| c.merge == MergeKind::Partial));
    assert!(
        conversions
            .iter()
            .all(|c| c.former.name == "Phường Ngọc Hà")
    );
}

#[test]
fn a_draft_code_in_the_table_resolves_by_name_and_asks_for_review() {
    // The table sends Phường Văn Chương to 00226, which the final list gives to Phường Kim
    // Liên; the name it gives, Phường Văn Miếu - Quốc Tử Giám, is 00196.
    let conversions = convert_former_commune(commune_code("00193"));
    assert_eq!(conversions.len(), 1, "{conversions:?}");
    assert_eq!(conversions[0].former.name, "Phường Văn Chương");
    assert_eq!(
        conversions[0].commune.name,
        "Phường Văn Miếu - Quốc Tử Giám"
    );
    assert!(conversions[0].needs_review);
}

#[test]
fn about_a_twentieth_of_conversions_need_review() {
    let all = conversions();
    assert_eq!(all.len(), 10565);
    let review = all.iter().filter(|c| c.needs_review).count();
    assert!((464..=600).contains(&review), "{review}");
    let former_codes: BTreeSet<_> = all.iter().map(|c| c.former.code).collect();
    assert_eq!(former_codes.len(), 10033);
}

#[test]
fn conversion_stays_inside_the_successor_province() {
    for conversion in conversions() {
        let former = former_province(conversion.former.province_code).unwrap();
        assert!(
            former
                .successors
                .contains(&conversion.commune.province_code),
            "{conversion:?}"
        );
    }
}

#[test]
fn every_current_commune_receives_a_former_one_except_island_zones_without_communes() {
    let targets: HashSet<_> = conversions().iter().map(|c| c.commune.code).collect();
    let mut never_targeted: Vec<_> = communes()
        .iter()
        .filter(|c| !targets.contains(&c.code))
        .map(|c| c.name)
        .collect();
    never_targeted.sort_unstable();
    assert_eq!(
        never_targeted,
        [
            "Đặc khu Bạch Long Vĩ",
            "Đặc khu Côn Đảo",
            "Đặc khu Cồn Cỏ",
            "Đặc khu Hoàng Sa",
            "Đặc khu Lý Sơn",
        ]
    );
}

#[test]
fn unknown_former_commune_converts_to_nothing() {
    assert!(convert_former_commune(commune_code("99999")).is_empty());
}

#[test]
fn every_former_province_went_whole_into_one_current_province() {
    let mut successors = HashSet::new();
    for former in former_provinces() {
        let successor = convert_former_province(former.code)
            .unwrap_or_else(|| panic!("{} has {:?}", former.name, former.successors));
        assert!(province(successor).is_some());
        successors.insert(successor);
    }
    assert_eq!(successors.len(), 34);
}

#[test]
fn known_province_mergers() {
    let merged_into = |old| convert_former_province(province_code(old)).map(|p| p.to_string());
    assert_eq!(merged_into("02").as_deref(), Some("08")); // Hà Giang → Tuyên Quang
    assert_eq!(merged_into("82").as_deref(), Some("82")); // Tiền Giang → Đồng Tháp (82)
    assert_eq!(merged_into("87").as_deref(), Some("82")); // Đồng Tháp (87) → Đồng Tháp (82)
    assert_eq!(merged_into("74").as_deref(), Some("79")); // Bình Dương → Hồ Chí Minh
    assert_eq!(merged_into("01").as_deref(), Some("01"));
    assert_eq!(convert_former_province(province_code("03")), None);
}

#[test]
fn kept_codes_match_the_former_list() {
    let csv = include_str!("../data/vn-admin/provinces-pre-2025.csv");
    for line in csv.lines().skip(1) {
        let fields: Vec<_> = line.trim_end().split(',').collect();
        let code = province_code(fields[0]);
        let kept = fields[4] == "yes";
        assert_eq!(province(code).is_some(), kept, "{line}");
        assert_eq!(
            units::former_province(code).map(|p| p.name),
            Some(fields[1])
        );
    }
}

#[test]
fn national_id_prefixes_are_zero_and_the_former_province_code() {
    let csv = include_str!("../data/identifiers/cccd-province-codes.csv");
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let fields: Vec<_> = line.trim_end().split(',').collect();
        let id = NationalId::parse(&format!("{}090000001", fields[0])).unwrap();
        let province = id.birth_registration_province().unwrap();
        assert_eq!(province.code, province_code(fields[2]), "{line}");
        assert_eq!(fold(province.short_name()), fold(fields[1]), "{line}");
        rows += 1;
    }
    assert_eq!(rows, 63);
}

#[test]
fn national_id_fourth_digit_follows_the_gender_century_table() {
    let csv = include_str!("../data/identifiers/cccd-gender-century.csv");
    for line in csv.lines().skip(1) {
        let fields: Vec<_> = line.trim_end().split(',').collect();
        let id = NationalId::parse(&format!("001{}00000001", fields[0])).unwrap();
        let sex = if fields[1] == "Nam" {
            Sex::Male
        } else {
            Sex::Female
        };
        assert_eq!(id.sex(), sex, "{line}");
        assert_eq!(id.birth_century().to_string(), fields[2], "{line}");
        let first_year = fields[3].split('-').next().unwrap();
        assert_eq!(id.birth_year().to_string(), first_year, "{line}");
    }
}
