//! The HTTP API, tested in process against a real data directory.

mod catalog;
mod cli;
mod collections;
mod common;
mod connected;
mod cors;
mod editor_files;
mod images;
mod live_copies;
mod openapi;
mod pages;
mod permissions;
mod process;
mod processes;
mod session;
mod storage_faults;
mod upload;
mod versions;
