//! A loopback TCP relay between claimgraph and an engine that notes, per connection, when
//! a request carrying a marker went through and when claimgraph closed the connection:
//! how a test sees that a deadline really cancelled the HTTP request to the engine.
//! Every thread it starts ends by itself (idle connections time out, the listener stops
//! with the relay).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest a relayed connection may stay idle before the relay drops it.
const IDLE: Duration = Duration::from_secs(60);

/// What one relayed connection saw: when the marker passed, when the client closed.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub marker_at: Option<Instant>,
    pub closed_at: Option<Instant>,
}

pub struct Relay {
    pub port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Relay {
    /// Relays 127.0.0.1:{port} to 127.0.0.1:{upstream}; a request whose bytes hold
    /// `marker` is noted.
    pub fn start(upstream: u16, marker: &'static str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (stop_flag, log) = (stop.clone(), seen.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            // Bounded in time even if the test forgets to stop it.
            while !stop_flag.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(600)
            {
                match listener.accept() {
                    Ok((client, _)) => relay(client, upstream, marker, log.clone()),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Relay { port, stop, seen }
    }

    /// The connections that carried the marker.
    pub fn marked(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.marker_at.is_some())
            .cloned()
            .collect()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn relay(client: TcpStream, upstream: u16, marker: &'static str, log: Arc<Mutex<Vec<Seen>>>) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    client.set_nonblocking(false).unwrap();
    for s in [&client, &server] {
        s.set_read_timeout(Some(IDLE)).unwrap();
    }
    let index = {
        let mut log = log.lock().unwrap();
        log.push(Seen::default());
        log.len() - 1
    };
    let (mut from_client, mut to_server) =
        (client.try_clone().unwrap(), server.try_clone().unwrap());
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        let mut tail = Vec::new();
        loop {
            match from_client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    // The marker may straddle two reads: keep a short tail.
                    tail.extend_from_slice(&buf[..n]);
                    if String::from_utf8_lossy(&tail).contains(marker) {
                        log.lock().unwrap()[index]
                            .marker_at
                            .get_or_insert(Instant::now());
                    }
                    let keep = tail.len().saturating_sub(marker.len());
                    tail.drain(..keep);
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        log.lock().unwrap()[index].closed_at = Some(Instant::now());
        // The engine learns that nobody waits any more.
        let _ = to_server.shutdown(Shutdown::Both);
    });
    let (mut from_server, mut to_client) = (server, client);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_server, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Both);
    });
}
