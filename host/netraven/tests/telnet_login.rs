//! Drivers declare how their device asks for credentials on a telnet
//! login; the host answers those prompts. A driver built before drivers
//! could declare them still loads, with the defaults.

mod support;

use std::sync::Arc;
use std::time::Duration;

use netraven_driver_sdk::LoginPrompts;
use netraven_inventory::{self as inventory, Device};
use netraven_jobs::fleet::Fleet;
use netraven_session::outcome::ErrorClass;
use netraven_transport::ssh::MemoryHostKeys;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A box on loopback that asks `Operator:` and `PIN:`, then serves `show
/// config` at the prompt `box1#`, for every connection.
async fn odd_box() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                // Enter arrives as CR NUL (or CR LF); a line ends at its CR.
                async fn line(s: &mut tokio::net::TcpStream) -> Option<String> {
                    let mut got = Vec::new();
                    let mut b = [0u8; 1];
                    loop {
                        if s.read(&mut b).await.ok()? == 0 {
                            return None;
                        }
                        match b[0] {
                            b'\r' => return Some(String::from_utf8_lossy(&got).into_owned()),
                            b'\n' | 0 => {}
                            c => got.push(c),
                        }
                    }
                }
                s.write_all(b"\r\nOperator: ").await.ok()?;
                let user = line(&mut s).await?;
                s.write_all(b"\r\nPIN: ").await.ok()?;
                let pin = line(&mut s).await?;
                if user != "ops" || pin != "CANARY-PIN-55" {
                    s.write_all(b"\r\nDenied\r\nOperator: ").await.ok()?;
                    return line(&mut s).await.map(|_| ());
                }
                s.write_all(b"\r\nbox1#").await.ok()?;
                while let Some(command) = line(&mut s).await {
                    let reply = match command.as_str() {
                        "show config" => "show config\r\nhostname box1\r\nend\r\nbox1#",
                        _ => "\r\nbox1#",
                    };
                    s.write_all(reply.as_bytes()).await.ok()?;
                }
                Some(())
            });
        }
    });
    port
}

fn device(model: &str, port: u16, pin: &str) -> Device {
    let text = format!(
        "[[devices]]\nname = \"box1\"\naddress = \"127.0.0.1\"\nmodel = \"{model}\"\n\
         transport = \"telnet\"\ntelnet_port = {port}\nuser = \"ops\"\npassword = \"{pin}\"\n\
         read_timeout_secs = 1\n"
    );
    inventory::parse(&text, &|_| None)
        .expect("inventory")
        .remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_answers_the_prompts_a_driver_declares() {
    let (runtime, catalog, _dir) =
        support::load_with(&["odd-login", "first-contract", "ios"], |c| {
            c.deadline_secs = 10
        })
        .await;
    // What each declares, or the defaults.
    let odd = catalog.for_model("odd-login").expect("odd-login loads");
    assert_eq!(
        odd.login,
        LoginPrompts {
            username: r"^Operator:\s?$".into(),
            password: r"^PIN:\s?$".into(),
        }
    );
    let first = catalog
        .for_model("first-contract")
        .expect("a driver without the login export still loads");
    assert_eq!(first.login, LoginPrompts::default());
    let ios = catalog.for_model("ios").expect("ios");
    assert_eq!(ios.login, LoginPrompts::default());

    let fleet = Fleet {
        runtime,
        catalog: Arc::new(catalog),
        host_keys: Arc::new(MemoryHostKeys::default()),
        redact: false,
    };
    let port = odd_box().await;
    let backup = fleet
        .backup(&device("odd-login", port, "CANARY-PIN-55"))
        .await
        .unwrap_or_else(|f| panic!("the declared prompts: {f}"));
    assert_eq!(backup.config, "hostname box1\nend\n");

    // The same box with the default prompts: nothing it says is one.
    let started = std::time::Instant::now();
    let failure = fleet
        .backup(&device("first-contract", port, "CANARY-PIN-55"))
        .await
        .expect_err("the defaults do not match `Operator:`");
    assert_eq!(failure.class, ErrorClass::PromptTimeout, "{failure}");
    assert!(failure.message.contains("Operator:"), "{failure}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // A PIN the box refuses: asked for the operator again.
    let failure = fleet
        .backup(&device("odd-login", port, "CANARY-WRONG-55"))
        .await
        .expect_err("a wrong PIN");
    assert_eq!(failure.class, ErrorClass::AuthFailed, "{failure}");
    assert!(!failure.message.contains("CANARY-WRONG-55"), "{failure}");
}
