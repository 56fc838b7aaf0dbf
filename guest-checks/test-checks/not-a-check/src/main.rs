//! Test-only: an ordinary WASI command, which is not a gonogo check.
fn main() {
    println!("hello from the wrong world");
}
