//! The command line's shape: every command, flag and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "netraven",
    version,
    about = "Back up network device configurations with sandboxed WebAssembly drivers",
    long_about = "NetRaven logs into routers, switches and firewalls, lets a per-vendor driver run \
the CLI dialogue, hides secrets and versions every configuration.\n\n\
Drivers are WebAssembly components (*.wasm) loaded from the drivers directory \
([runtime] drivers_dir, default data/drivers). Start with:\n\n  \
netraven demo                  build the drivers, start a simulated lab, import it, back it up\n  \
netraven devices import FILE   add devices: inventory (TOML), CSV, Oxidized router.db\n  \
netraven backup --all          create a backup job over every device and run it\n  \
netraven run-job ID            run a job (the scheduler's entry point; JSON on stdout)\n  \
netraven history DEVICE        archived revisions; netraven diff DEVICE: the last change\n  \
netraven drivers list          what is loaded\n  \
netraven driver test ios CASE  replay one recorded session through a driver"
)]
pub(crate) struct Cli {
    /// Settings file [default: config/environments/dev.toml when present].
    #[arg(long, global = true, env = "NETRAVEN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the bundled drivers, replay every recorded corpus session through them (one line
    /// per check), then serve the same recordings as SSH devices with netraven-sim, import them
    /// into the database and back them up with a job into the git archive (data/configs.git).
    Demo {
        /// Corpus of Oxidized-format recordings.
        #[arg(long, default_value = "tests/corpus/oxidized", value_name = "DIR")]
        corpus: PathBuf,
    },
    /// Back up devices: as a job over the database's devices, or straight from an inventory file.
    ///
    /// With --device/--group/--all: create a backup job over devices in the database, run it
    /// and print its summary (like `run-job`). With --inventory FILE: back up the devices of an
    /// inventory file directly, writing <OUT>/<group>/<name>, no database.
    ///
    /// The inventory is TOML: [defaults], [groups.NAME], [[jump_hosts]] and [[devices]] tables
    /// (name, address, port, model, group, user, password_env, enable_env, key_file, vars,
    /// kex/host_key_algorithms/ciphers/macs as OpenSSH writes them, e.g. kex =
    /// ["+diffie-hellman-group14-sha1"], host_key_policy = tofu|strict|off, jump = ["bastion"],
    /// transport = "ssh" | "telnet" | ["ssh", "telnet"], telnet_port). Telnet sends the login
    /// in clear; it is used only where `transport` asks for it.
    /// `netraven-sim --inventory-out FILE` writes one for its simulated lab.
    ///
    /// Exit code: 0 when every device was backed up, 1 when some failed, 2 when none was or
    /// the run could not start.
    ///
    /// Examples:
    ///   netraven backup --all
    ///   netraven backup --group core --json
    ///   netraven backup --inventory lab.toml --device core-1 --device core-2
    ///   netraven backup --inventory lab.toml --group legacy --concurrency 50
    #[command(verbatim_doc_comment)]
    Backup(BackupArgs),
    /// Run job ID: back up (or run commands on) each of its devices that has no result yet,
    /// store results, logs and transcripts, commit changed configurations, and print a JSON
    /// summary on stdout. Rerunning a job that was interrupted finishes it.
    ///
    /// On PostgreSQL with workers (`netraven worker`, [queue] use_workers), the job is queued
    /// for them instead, and run-job waits for it, showing progress and any zone that no
    /// worker serves, then prints the same summary.
    ///
    /// Exit code: 0 when every device succeeded, 1 when some failed, 2 when none succeeded or
    /// the job could not run (no such job, database unreachable, credentials key missing).
    RunJob {
        /// The job's id (`netraven jobs create` prints it; `netraven jobs list` shows them).
        id: i64,
        /// Print a human summary instead of JSON.
        #[arg(long)]
        text: bool,
    },
    /// Work on queued jobs until stopped: claim device tasks of the zones given (and devices
    /// without a zone) from PostgreSQL, back them up as `run-job` does, and store each result
    /// once. Changed configurations go into the database; one archiver (a worker or a
    /// `run-job` holding the database's archiver lock) commits them to git in job order.
    ///
    /// Run one or more per machine, each where it reaches its zones' devices. With a live
    /// worker, `run-job` (and `backup --all`) queue the job for the workers and wait. A
    /// worker's tasks are leased ([queue] lease_secs); if it dies, another worker of the zone
    /// takes them over when the lease runs out. SIGTERM or Ctrl-C: finish the devices in
    /// flight, hand back the rest, exit 0. Needs PostgreSQL ([database] url).
    ///
    /// Examples:
    ///   netraven worker
    ///   netraven worker --zone dc1 --zone dc1-oob --concurrency 1000
    #[command(verbatim_doc_comment)]
    Worker {
        /// Serve this zone (repeatable). Without one, only devices without a zone.
        #[arg(long = "zone", value_name = "ZONE")]
        zones: Vec<String>,
        /// Devices worked on at once [default: [worker] concurrency].
        #[arg(long, value_name = "N")]
        concurrency: Option<usize>,
        /// Print one JSON line per event (started, stopped) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The live workers: zones, host, pid, devices in flight and last heartbeat.
    Workers {
        #[arg(long)]
        json: bool,
    },
    /// Run commands on devices and print their output (redacted), as a job of kind "commands".
    ///
    /// Example:
    ///   netraven exec --device core-1 -- "show version" "show clock"
    #[command(verbatim_doc_comment)]
    Exec {
        #[command(flatten)]
        selection: Selection,
        /// Print the job summary as JSON.
        #[arg(long)]
        json: bool,
        /// The commands, each one argument.
        #[arg(last = true, required = true, value_name = "COMMAND")]
        commands: Vec<String>,
    },
    /// Manage the devices in the database.
    Devices {
        #[command(subcommand)]
        command: DevicesCommand,
    },
    /// Manage stored logins (sealed with the credentials key; never printed).
    Credentials {
        #[command(subcommand)]
        command: CredentialsCommand,
    },
    /// Look at jobs and their per-device results and logs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// The archived revisions of a device's configuration, newest first.
    History {
        device: String,
        #[arg(long)]
        json: bool,
    },
    /// A unified diff of a device's configuration: REV against the revision before it
    /// [default: the newest change]. Coloured on a terminal.
    Diff { device: String, rev: Option<String> },
    /// The configuration archive: push it to the [[git.remotes]] by hand.
    Archive {
        #[command(subcommand)]
        command: ArchiveCommand,
    },
    /// Search the newest archived configuration of every device for lines matching a regex.
    ///
    /// Prints group/device:line:text for each matching line, the match coloured on a terminal.
    /// The archive holds configurations as backed up: redacted unless [redaction] configs is off.
    /// The pattern is a Rust regex (https://docs.rs/regex): `^` and `$` anchor to the line.
    ///
    /// Exit code: 0 when a line matched, 1 when none did, 2 on a bad pattern or no archive.
    ///
    /// Examples:
    ///   netraven search 'snmp-server community'
    ///   netraven search --group core '^interface Vlan'
    ///   netraven search -i 'ntp server 10\.1\.' --json
    #[command(verbatim_doc_comment)]
    Search {
        /// The regex to look for, matched against each line.
        pattern: String,
        /// Only the devices of this group.
        #[arg(long)]
        group: Option<String>,
        /// Ignore case.
        #[arg(short = 'i', long)]
        ignore_case: bool,
        /// Print the matches as a JSON array of {device, group, line, text}.
        #[arg(long)]
        json: bool,
    },
    /// Print Prometheus metrics from the database, in the text exposition format: the newest
    /// finished backup job's devices by result, failures by error class and duration, and each
    /// enabled device's up (last backup ok), last success, last duration and last change.
    /// `[metrics] textfile` has every job write the same to a file, for node_exporter's
    /// textfile collector.
    ///
    /// Example:
    ///   netraven metrics | grep netraven_device_up
    #[command(verbatim_doc_comment)]
    Metrics,
    /// Print a completion script for a shell.
    ///
    /// Examples:
    ///   netraven completions bash > /etc/bash_completion.d/netraven
    ///   netraven completions zsh > "${fpath[1]}/_netraven"
    ///   netraven completions fish > ~/.config/fish/completions/netraven.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Write the manual pages, generated from this help: netraven.1 and one per command
    /// (netraven-backup.1, ...).
    ///
    /// Example:
    ///   netraven man --out /usr/local/share/man/man1 && man netraven
    #[command(verbatim_doc_comment)]
    Man {
        /// Directory to write the pages into (created if missing).
        #[arg(long, default_value = "man", value_name = "DIR")]
        out: PathBuf,
    },
    /// Create or upgrade the database schema (every command also does this on start).
    Migrate,
    /// Inspect loaded drivers.
    Drivers {
        #[command(subcommand)]
        command: DriversCommand,
    },
    /// Write, build and test drivers.
    Driver {
        #[command(subcommand)]
        command: DriverCommand,
    },
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// Back up the devices of this inventory file directly (no database, no job).
    #[arg(long, short, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// This device (repeatable).
    #[arg(long = "device", value_name = "NAME")]
    pub devices: Vec<String>,
    /// Every enabled device of this group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Every enabled device (database mode).
    #[arg(long, conflicts_with = "inventory")]
    pub all: bool,
    /// With --inventory: where configurations are written.
    #[arg(long, default_value = "data/configs", value_name = "DIR")]
    pub out: PathBuf,
    /// With --inventory: devices worked on at once (jobs use [worker] concurrency).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub concurrency: usize,
    /// With --inventory: known host keys (jobs keep them in the database).
    #[arg(long, default_value = "data/known_hosts", value_name = "FILE")]
    pub known_hosts: PathBuf,
    /// With --inventory: write configurations with their secrets. Jobs follow
    /// [redaction] configs.
    #[arg(long)]
    pub keep_secrets: bool,
    #[command(flatten)]
    pub dir: DriversDir,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DriversCommand {
    /// Show each loaded driver: name, version, models, file, sha256 and whether the drivers
    /// lock pins it (locked, changed, not locked). Files that failed to load are listed with
    /// the reason.
    List {
        #[command(flatten)]
        dir: DriversDir,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Pin the drivers that load now: write the sha256 of each to the lock file ([runtime]
    /// lock_file, default drivers.lock beside the settings file). With [runtime] require_lock =
    /// true, only pinned files load; run this again after installing a driver you trust.
    ///
    /// Example:
    ///   netraven drivers lock && netraven drivers list
    #[command(verbatim_doc_comment)]
    Lock {
        #[command(flatten)]
        dir: DriversDir,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SyncSource {
    /// Create, update and disable devices from NetBox's device list (/api/dcim/devices/).
    ///
    /// Each NetBox device becomes a device of the same name (a device already here under that name
    /// is taken over only with --adopt; its group is kept, so its archive does not move): its
    /// platform's slug the model
    /// (through [netbox.platforms] or --platform, else as a model, driver or Netmiko name:
    /// cisco-ios and cisco_ios are ios), its primary IP the address, its site the group, and
    /// its tags the var netbox_tags; its id is kept as the var netbox_id. A device whose status
    /// is not active is disabled. Without --filter, a device synced before that NetBox no
    /// longer lists is disabled. Nothing is ever deleted, so its history stays. Devices
    /// without a name, a known platform or (when active) a primary IP are skipped and named.
    ///
    /// Exit code: 0 when every NetBox device was taken, 1 when some were skipped, 2 when the
    /// list could not be read (nothing is changed then).
    ///
    /// Examples:
    ///   NETBOX_TOKEN=... netraven devices sync netbox --url https://netbox.example.net \
    ///       --token-env NETBOX_TOKEN --credential ops --dry-run
    ///   netraven devices sync netbox --url https://netbox.example.net --token-env NETBOX_TOKEN \
    ///       --filter site=dc1 --filter role=core-switch --platform eos-4=eos
    #[command(verbatim_doc_comment)]
    Netbox(NetboxArgs),
}

#[derive(Debug, Args)]
pub(crate) struct NetboxArgs {
    /// NetBox's address, e.g. https://netbox.example.net.
    #[arg(long)]
    pub url: String,
    /// The environment variable holding the API token (never given on the command line).
    #[arg(long, value_name = "VAR")]
    pub token_env: String,
    /// A NetBox query filter, e.g. site=dc1, role=core, tag=backup (repeatable).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Map a platform slug to a model, over [netbox.platforms] (repeatable).
    #[arg(long = "platform", value_name = "SLUG=MODEL")]
    pub platforms: Vec<String>,
    /// Stored credential for devices this creates (existing devices keep theirs).
    #[arg(long, value_name = "NAME")]
    pub credential: Option<String>,
    /// Show what would change, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Take over devices of the same name that were not synced from NetBox.
    #[arg(long)]
    pub adopt: bool,
    /// Disable more than half of the devices synced from NetBox, when NetBox no longer lists
    /// them (refused without this: a partial list looks the same).
    #[arg(long)]
    pub allow_disable_many: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ArchiveCommand {
    /// Push the archive's main branch to each [[git.remotes]] (jobs do this after each run).
    /// Never forces: a remote branch with commits the archive lacks refuses the push.
    ///
    /// Exit code: 0 when every remote has the archive, 1 when a push failed.
    ///
    /// Example:
    ///   netraven archive push --remote gitlab
    #[command(verbatim_doc_comment)]
    Push {
        /// Only this remote (its name in [[git.remotes]]).
        #[arg(long)]
        remote: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct DriversDir {
    /// Drivers directory [default: [runtime] drivers_dir from the config].
    #[arg(long, value_name = "DIR")]
    pub drivers: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DriverCommand {
    /// Replay recorded sessions through a driver and check the results.
    ///
    /// Each case is the set of files <model>#<description>#<kind> in a corpus directory:
    /// output.txt must equal the backup byte for byte, secret.yaml and significant_changes.yaml
    /// hold pass/fail patterns for the redacted and "significant" views, prompt.yaml checks the
    /// prompt regex.
    ///
    /// Examples:
    ///   netraven driver test ios 'tests/corpus/oxidized/ios#C9200L-24P-4G_17.09.04a#output.txt'
    ///   netraven driver test ./my_driver.wasm 'cases/acme#lab1'
    ///   netraven driver test --corpus tests/corpus/oxidized
    ///   netraven driver test --crate drivers/ios
    ///   netraven driver test --crate drivers/ios --corpus tests/corpus/oxidized
    ///
    /// Each replay is also checked for using the whole recording (the `replay` check): every
    /// step of a list, every key of a map, no input left half typed. A case whose recording
    /// cannot be used up says why in its #vars.yaml (`lenient_replay: <reason>`).
    ///
    /// With --chaos, each recording is replayed again with the changes real devices make, one
    /// check each: a login banner full of prompt- and pager-like lines; each command refused
    /// with the vendor's error (the configuration command must fail the backup as
    /// command_rejected, any other must be left out and logged); the connection closed
    /// mid-output (must fail as connection_closed); \r\r\n and lone \r line endings, ANSI
    /// codes, backspaces, blank lines and trailing spaces at prompts; a Latin-1 byte, a 1 MB
    /// line and, once per driver, a 50 MB configuration. Cosmetic changes must give the same
    /// configuration as the unchanged recording.
    ///   netraven driver test --chaos --corpus tests/corpus/oxidized
    #[command(verbatim_doc_comment)]
    Test {
        #[command(flatten)]
        dir: DriversDir,
        /// Run every case in DIR whose model has a loaded driver (with --crate: whose model the
        /// crate's driver handles).
        #[arg(long, value_name = "DIR", conflicts_with_all = ["driver", "case"])]
        corpus: Option<PathBuf>,
        /// Build this driver crate for wasm, then run its cases: those in the crate's tests/
        /// folder, or in --corpus.
        #[arg(long = "crate", value_name = "DIR", conflicts_with_all = ["driver", "case"])]
        krate: Option<PathBuf>,
        /// Cargo target directory for --crate's wasm build [default: target/drivers-build in
        /// the crate's workspace].
        #[arg(long, value_name = "DIR", requires = "krate")]
        target_dir: Option<PathBuf>,
        /// A driver name (from the drivers directory) or a path to a .wasm file.
        #[arg(required_unless_present_any = ["corpus", "krate"])]
        driver: Option<String>,
        /// One case: any of its files, or DIR/<model>#<description>.
        #[arg(required_unless_present_any = ["corpus", "krate"])]
        case: Option<PathBuf>,
        /// Device vars for custom cases: <model>#<description>#vars.yaml files, used when the
        /// case has none beside it [default: the corpus's sibling `vars/` folder, else
        /// tests/corpus/vars].
        #[arg(long, value_name = "DIR")]
        vars: Option<PathBuf>,
        /// Replay each recording with the changes real devices make (see above) instead of the
        /// corpus checks.
        #[arg(long)]
        chaos: bool,
        /// Show full failure messages and diffs.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Run a driver against a live device and save the session as a test case: an
    /// Oxidized-format <model>#<device>#custom_simulation.yaml (secrets the host typed are
    /// written as <password> and <enable>), the backup as <model>#<device>#custom_output.txt,
    /// and the device's vars with the placeholder secrets as <model>#<device>#vars.yaml.
    ///
    /// The files hold the device's configuration: review them before sharing.
    ///
    /// Example:
    ///   netraven driver record --inventory lab.toml core-1 --out cases/
    ///   netraven driver test ios 'cases/ios#core-1'
    #[command(verbatim_doc_comment)]
    Record {
        /// Inventory file (TOML) that lists the device.
        #[arg(long, short, value_name = "FILE")]
        inventory: PathBuf,
        /// Device name in the inventory.
        device: String,
        /// Directory for the three files.
        #[arg(long, default_value = ".", value_name = "DIR")]
        out: PathBuf,
        /// Known host keys.
        #[arg(long, default_value = "data/known_hosts", value_name = "FILE")]
        known_hosts: PathBuf,
        #[command(flatten)]
        dir: DriversDir,
    },
    /// Create a new driver crate with recordings and a test that replays them.
    ///
    /// Inside a NetRaven checkout the crate goes in drivers/ and is made like the bundled
    /// drivers: the checkout's driver-sdk by a relative path, the workspace's version and
    /// lints. Outside one, the crate gets its own copy of the SDK this binary speaks (and the
    /// WIT contract) under vendor/, so it builds anywhere, offline.
    ///
    /// The crate's tests/ holds the recordings its test replays: copies of the --from-case
    /// cases, or an example. The driver author's guide (driver-sdk/GUIDE.md) explains the
    /// recording format and the checks.
    ///
    /// Examples:
    ///   netraven driver new acmeos --dir drivers
    ///   netraven driver new onyx --dir ~/src --from-case 'recordings/onyx#sn2100_3.9'
    #[command(verbatim_doc_comment)]
    New {
        /// Driver name: the Oxidized model name, e.g. "acmeos".
        name: String,
        /// Parent directory for the crate.
        #[arg(long, default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// Copy this recorded case into the crate's tests/ (repeatable): any of its files, or
        /// DIR/<model>#<description>. The driver handles the cases' models.
        #[arg(long = "from-case", value_name = "CASE")]
        from_case: Vec<PathBuf>,
        /// Depend on this netraven-driver-sdk crate instead (a path, relative to the current
        /// directory).
        #[arg(long, value_name = "DIR")]
        sdk: Option<PathBuf>,
    },
    /// Compile driver crates to .wasm components and install them in the drivers directory,
    /// then precompile the directory's drivers for this host into the cache jobs read, and
    /// write each installed driver's info into its file, so that a job compiles only the
    /// drivers its devices need.
    Build {
        /// Crate directories [default: every crate under ./drivers].
        crates: Vec<PathBuf>,
        #[command(flatten)]
        dir: DriversDir,
        /// Cargo target directory for the wasm builds.
        #[arg(long, default_value = "target/drivers-build", value_name = "DIR")]
        target_dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DevicesCommand {
    /// Import devices from a file; existing devices of the same name are replaced.
    ///
    /// Formats, chosen by the file name unless --format says:
    ///   *.toml      an inventory file ([defaults], [groups.X], [[jump_hosts]], [[devices]];
    ///               see `netraven backup --help`); secrets become sealed credentials
    ///   router.db   Oxidized's colon-separated list, no header; columns from --columns
    ///               (default name,model)
    ///   *.csv       comma-separated with a header row naming the columns
    ///
    /// Columns: name, address (ip, host), port, model, group, user (username), password,
    /// enable, credential, enabled, var:KEY; "-" skips one. Without an address the name is
    /// dialled. Rows with a user/password get a credential per distinct login; rows without
    /// use --credential.
    ///
    /// Examples:
    ///   netraven devices import lab.toml
    ///   netraven devices import router.db --columns name,address,model,group,user,password
    ///   netraven devices import switches.csv --credential ops
    #[command(verbatim_doc_comment)]
    Import {
        file: PathBuf,
        /// toml, routerdb or csv [default: from the file name].
        #[arg(long)]
        format: Option<String>,
        /// Column map for router.db or a header-less CSV, e.g. name,model,user,password.
        #[arg(long, value_name = "LIST")]
        columns: Option<String>,
        /// Field separator (one character) [default: ':' for router.db, ',' otherwise].
        #[arg(long, value_name = "CHAR")]
        delimiter: Option<char>,
        /// Stored credential for rows that carry no login of their own.
        #[arg(long, value_name = "NAME")]
        credential: Option<String>,
        /// Group for rows that name none [default: default].
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
    },
    /// Take devices from another system of record.
    Sync {
        #[command(subcommand)]
        source: SyncSource,
    },
    /// List devices.
    List {
        /// Only this group.
        #[arg(long)]
        group: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add (or replace) one device.
    ///
    /// Example:
    ///   netraven devices add core-1 --address 10.0.0.1 --model ios --group core --credential ops
    #[command(verbatim_doc_comment)]
    Add {
        name: String,
        #[arg(long)]
        address: String,
        #[arg(long, default_value_t = 22)]
        port: u16,
        /// Driver model, e.g. ios, junos, eos, or a Netmiko device_type such as cisco_xe
        /// (stored as the model it stands for; `netraven drivers list` shows both).
        #[arg(long)]
        model: String,
        #[arg(long, default_value = "default")]
        group: String,
        /// Stored credential (`netraven credentials add`).
        #[arg(long)]
        credential: String,
        /// A driver var, KEY=VALUE (repeatable).
        #[arg(long = "var", value_name = "KEY=VALUE")]
        vars: Vec<String>,
        /// Jump host: another device's name (repeatable, first hop first).
        #[arg(long = "jump", value_name = "DEVICE")]
        jump: Vec<String>,
        /// Store the device disabled (not backed up; still usable as a jump host).
        #[arg(long)]
        disabled: bool,
        /// How to reach it: ssh (default), telnet, or both in the order to try
        /// (`--transport ssh,telnet`: telnet when SSH is refused or times out, never
        /// after a refused login). Telnet sends the credentials in clear.
        #[arg(long, value_name = "ssh|telnet|ssh,telnet")]
        transport: Option<String>,
        /// The telnet port (default 23); --port is SSH's.
        #[arg(long, value_name = "PORT")]
        telnet_port: Option<u16>,
        /// The zone it is in: a network only some workers reach (`netraven worker --zone`).
        /// Without one it takes its group's zone (`netraven devices zone --group`), if any.
        #[arg(long, value_name = "ZONE")]
        zone: Option<String>,
    },
    /// Set the zone of a group (its devices without a zone of their own) or of one device:
    /// only workers started with `--zone ZONE` back them up. Jobs created afterwards use it.
    ///
    /// Examples:
    ///   netraven devices zone --group dc2 dc2-oob
    ///   netraven devices zone --device core-1 lon
    ///   netraven devices zone --group dc2 --clear
    #[command(verbatim_doc_comment)]
    Zone {
        /// The group whose zone to set.
        #[arg(
            long,
            value_name = "GROUP",
            conflicts_with = "device",
            required_unless_present = "device"
        )]
        group: Option<String>,
        /// The device whose zone to set.
        #[arg(long, value_name = "NAME")]
        device: Option<String>,
        /// The zone: letters, digits, '.', '_' and '-'.
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        zone: Option<String>,
        /// Remove the zone instead.
        #[arg(long)]
        clear: bool,
    },
    /// Remove a device (its archived configurations stay in git).
    Remove { name: String },
    /// Show one device.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialsCommand {
    /// Store a login, sealed with the credentials key. The password (and, on a second line,
    /// the enable secret) is read from standard input or from environment variables; it is
    /// never taken on the command line, where `ps` would show it.
    ///
    /// Examples:
    ///   printf '%s\n' "$PW" "$ENABLE" | netraven credentials add ops --user netops --stdin
    ///   netraven credentials add lab --user admin --password-env LAB_PW
    #[command(verbatim_doc_comment)]
    Add {
        name: String,
        #[arg(long)]
        user: String,
        /// Read the password, then optionally the enable secret, one per line from stdin.
        #[arg(long)]
        stdin: bool,
        /// Environment variable holding the password.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Environment variable holding the enable secret.
        #[arg(long, value_name = "VAR")]
        enable_env: Option<String>,
        /// Private key file for public-key login.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
    /// List credentials (names and users; never a secret).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a credential.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub(crate) enum JobsCommand {
    /// Create a backup job over the selected devices without running it; prints its id for
    /// `netraven run-job ID` (what a scheduler does).
    Create {
        #[command(flatten)]
        selection: Selection,
        #[arg(long)]
        json: bool,
    },
    /// The newest jobs.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// One job: its devices' results and its log.
    Show {
        id: i64,
        /// Also print each device's redacted session transcript.
        #[arg(long)]
        transcripts: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct Selection {
    /// This device (repeatable).
    #[arg(long = "device", value_name = "NAME")]
    pub devices: Vec<String>,
    /// Every enabled device of this group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Every enabled device.
    #[arg(long)]
    pub all: bool,
}
