use super::*;

fn job(index: usize, url: &str) -> Job {
    Job {
        index,
        url: url::Url::parse(url).unwrap(),
        sha256: None,
        previous: None,
        name: None,
        referer: None,
    }
}

fn named(job: &Job, name: &str) -> LinkCheck {
    LinkCheck {
        name: Some(name.to_owned()),
        size: Some(10),
        ..blank(job, None)
    }
}

#[test]
fn the_second_link_of_a_name_is_told_and_the_first_is_not() {
    let jobs = [
        job(1, "http://a/x/report.pdf"),
        job(2, "http://a/y/Report.pdf"),
        job(3, "http://a/z/other.pdf"),
    ];
    let mut links = vec![
        named(&jobs[0], "report.pdf"),
        named(&jobs[1], "Report.pdf"),
        named(&jobs[2], "other.pdf"),
    ];
    judge_list(&mut links, &jobs, 4, SystemTime::now());
    assert_eq!(links[0].verdict, None);
    assert_eq!(
        links[1].verdict,
        Some(Finding::SameName {
            name: "Report.pdf".into(),
            first: 1
        })
    );
    assert_eq!(links[2].verdict, None);
    assert!(links[1].downloads() && !links[1].will_fail());
}

#[test]
fn a_signed_link_that_expires_before_its_turn_is_told_unless_it_starts_at_once() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_110_400);
    // Five minutes after `now`, and an hour after.
    let soon = "http://a/f.zip?Expires=1704110700";
    let later = "http://a/g.zip?Expires=1704114000";
    let gone = "http://a/h.zip?Expires=1704110000";
    let jobs = [job(1, soon), job(2, soon), job(3, later), job(4, gone)];
    let mut links: Vec<LinkCheck> = jobs
        .iter()
        .map(|j| named(j, &j.index.to_string()))
        .collect();
    links[3].verdict = Some(Finding::Fails(DownloadError::Status {
        code: 403,
        reason: "Forbidden".into(),
    }));
    judge_list(&mut links, &jobs, 1, now);
    assert_eq!(links[0].verdict, None, "the first link starts at once");
    let at = now + Duration::from_secs(300);
    assert_eq!(links[1].verdict, Some(Finding::ExpiresBeforeTurn { at }));
    assert_eq!(links[2].verdict, None);
    let at = now - Duration::from_secs(400);
    assert_eq!(links[3].verdict, Some(Finding::Expired { at }));
    assert!(links[3].will_fail() && !links[1].will_fail());
}

#[test]
fn the_space_problem_names_both_sizes() {
    let space = Space {
        total: 3 * 1024 * 1024,
        unknown: 0,
        free: Some(1024 * 1024),
    };
    assert_eq!(
        space.problem().unwrap().to_string(),
        "these files need 3.0 MiB but the save folder's disk has only 1.0 MiB free — free some \
         space or choose another folder"
    );
    assert_eq!(
        Space {
            free: None,
            ..space
        }
        .problem(),
        None
    );
    assert_eq!(
        Space {
            free: Some(3 * 1024 * 1024),
            ..space
        }
        .problem(),
        None
    );
}
