//! The Network section: the proxy it shows is the one the run uses (a real tinyproxy that
//! asks for a password), the browser switch, the page and the cookies file change what the
//! server receives, and the saved settings hold no password.

use downpour::net::access::UserAgent;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::gui::DownpourApp;

use super::proxies::{HTTP_PROXY_EXIT, Proxy};
use super::server::{TestServer, body_for};
use super::{click_in_view, harness_with, open_advanced, paste_links, run_to_end, settings_for};

/// Clicks the field labelled `label` and types `text` into it.
fn type_into(harness: &mut Harness<'_, DownpourApp>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run_steps(1);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(1);
}

#[test]
fn the_network_section_sets_the_proxy_the_run_uses_and_saves_no_password() {
    let Some(proxy) = Proxy::http(Some(("ann", "window-pw"))) else {
        return;
    };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    // Tall enough for the whole left panel with the Network section open.
    let data = dir.path().join("data");
    let app = crate::gui::DownpourApp::new(settings_for(dir.path())).with_data_dir(Some(data));
    let mut harness = harness_with(app, [1280.0, 1600.0]);
    let cookies = dir.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\twindow-cookie\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    harness.state_mut().settings.folder = out.display().to_string();
    paste_links(
        &mut harness,
        &server.url("via.bin?size=3000&need_cookie=sid=window-cookie&need_referer=https://gallery.example/album"),
    );
    // The Network section is in Advanced.
    open_advanced(&mut harness);
    click_in_view(&mut harness, "Network");
    harness.get_by_label("this one:").click();
    harness.run_steps(2);
    let sentence = "Write the proxy as http://";
    // Said under the field, and why Start waits.
    let said = |h: &egui_kittest::Harness<'_, crate::gui::DownpourApp>| {
        h.query_all(egui_kittest::kittest::By::new().label_contains(sentence))
            .count()
    };
    assert_eq!(said(&harness), 1);
    assert_eq!(
        harness.state().start_blocker(),
        Some(harness.state().lang().t().network_invalid)
    );
    harness.get_by_label("Proxy").click();
    harness.run_steps(1);
    harness
        .get_by_label("Proxy")
        .type_text(&format!("ann:window-pw@127.0.0.1:{}", proxy.port()));
    harness.run_steps(2);
    assert_eq!(said(&harness), 0);
    harness
        .get_by_label("Present Downpour as a web browser")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings.run.user_agent, UserAgent::Browser);
    let saved = serde_json::to_string(&harness.state().settings).unwrap();
    assert!(!saved.contains("window-pw"), "{saved}");
    assert!(
        saved.contains(&format!("http://ann@127.0.0.1:{}", proxy.port())),
        "{saved}"
    );

    type_into(
        &mut harness,
        "The links came from the page",
        "https://gallery.example/album",
    );
    type_into(&mut harness, "Cookies file", &cookies.display().to_string());
    harness.run_steps(2);
    assert_eq!(harness.state().start_blocker(), None);
    harness.get_by_label("Start").click();
    harness.step();
    run_to_end(&mut harness);
    // The server gives the file only with the cookie and the Referer (need_*).
    assert!(std::fs::read(out.join("via.bin")).unwrap() == body_for("via.bin", 3000));
    let exit: std::net::IpAddr = HTTP_PROXY_EXIT.parse().unwrap();
    assert_eq!(server.peers(), [exit], "through the proxy");
    assert!(server.heads()[0].contains("user-agent: Mozilla/5.0"));
}

/// With the System setting and no proxy variable, the run goes through the proxy the
/// desktop's portal names: a stand-in portal on a private bus names a proxy that is not
/// there, and the file fails naming that proxy (it would name the site without it).
#[cfg(target_os = "linux")]
#[test]
fn the_desktops_proxy_from_the_portal_is_the_one_the_run_uses() {
    if [
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some())
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bus = crate::gui::folder_dialogs::tests::PrivateBus::start(dir.path(), dir.path());
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    let _portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.portal.Desktop")
        .unwrap()
        .serve_at(
            "/org/freedesktop/portal/desktop",
            crate::gui::desktop_proxy::tests::Resolver(vec![proxy.clone()]),
        )
        .unwrap()
        .build()
        .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut app = DownpourApp::new(settings_for(&out)).with_data_dir(Some(dir.path().join("d")));
    app.desktop_bus = crate::gui::desktop_proxy::Bus::At(bus.address.clone());
    let mut harness = harness_with(app, [1280.0, 900.0]);
    paste_links(&mut harness, "http://files.invalid/report.pdf");
    harness.get_by_label("Start").click();
    run_to_end(&mut harness);
    let note = harness
        .state()
        .view
        .as_ref()
        .unwrap()
        .row(1)
        .unwrap()
        .note
        .clone();
    let Some(crate::gui::model::RowNote::Failed(error)) = note else {
        panic!("{note:?}");
    };
    assert!(
        matches!(&error, downpour::DownloadError::ProxyUnreachable { proxy: named, .. } if proxy.starts_with(named.as_str())),
        "the row names the desktop's proxy: {error:?}"
    );
}
