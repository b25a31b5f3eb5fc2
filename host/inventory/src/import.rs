//! Device lists from other tools, read into plain [`Record`]s for
//! `netraven devices import`. Nothing here touches the database.
//!
//! Two shapes are understood:
//!
//! - **Oxidized's `router.db`** ([`Format::RouterDb`]): one device a line,
//!   fields split on `:`, no header. What each field means comes from a
//!   [`ColumnMap`]; the default is `name,model`, as Oxidized's own default
//!   map (`name: 0, model: 1`).
//!
//!   ```text
//!   # name:model:user:password
//!   core-1:ios:admin:s3cret
//!   ```
//!
//!   Oxidized never quotes, so quotes are ordinary characters here. Oxidized
//!   can also split on `\:`-escaped colons; we do not, to keep the format one
//!   rule: a value cannot contain the delimiter.
//!
//! - **CSV with a header row** ([`Format::Csv`]): the header names the
//!   columns with the same words a column map uses. Values may be quoted.
//!
//! In both, lines starting with `#` and blank lines are skipped, whitespace
//! around a value is trimmed and an empty value counts as absent.
//!
//! Every error is one line that names the line number and the field, e.g.
//! `line 7: port: "22x" is not a port number`. Password and enable values
//! never appear in an error.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What one column of a device list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The device name (required).
    Name,
    /// Host name or IP address; column names `address`, `ip` or `host`.
    Address,
    Port,
    /// The driver model, e.g. `ios` (required).
    Model,
    Group,
    /// Login user; column names `user` or `username`.
    User,
    Password,
    Enable,
    /// The name of a stored credential.
    Credential,
    /// Whether the device is backed up: true/false/yes/no/1/0.
    Enabled,
    /// `ssh`, `telnet`, or both in the order to try (`ssh,telnet`);
    /// column names `transport` or `input` (Oxidized's word).
    Transport,
    /// The telnet port; `port` is SSH's.
    TelnetPort,
    /// A driver variable, written `var:<key>`.
    Var(String),
}

/// Why a device list was refused. Each names the file and line, and the
/// column at fault.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {cause}", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// A row that cannot be used; `problem` names the column.
    #[error("line {line}: {problem}")]
    Row { line: usize, problem: String },
    /// A CSV header that is not a column map.
    #[error("line {line}: {cause}")]
    Header { line: usize, cause: ColumnMapError },
    /// One of the above, in a file.
    #[error("{}: {cause}", path.display())]
    InFile {
        path: PathBuf,
        cause: Box<ImportError>,
    },
}

/// A column map (`--columns` or a CSV header) that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnMapError {
    #[error("column {name:?} has no variable name after \"var:\"")]
    NoVariableName { name: String },
    #[error("unknown column {name:?} (known: {KNOWN_COLUMNS})")]
    Unknown { name: String },
    #[error("column {name:?} repeats {field} (already column {first})")]
    Repeated {
        name: String,
        field: Field,
        first: usize,
    },
    #[error("no {field} column in {given:?}")]
    Missing { field: Field, given: String },
}

fn row(line: usize, problem: impl Into<String>) -> ImportError {
    ImportError::Row {
        line,
        problem: problem.into(),
    }
}

/// The column names [`ColumnMap::parse`] accepts, for error messages.
const KNOWN_COLUMNS: &str = "name, address, port, model, group, user, password, enable, \
credential, enabled, transport, telnet_port, var:<key>; ip and host mean address, username means \
user, input means transport; - skips a column";

impl Field {
    /// The field a column name means; names are case-insensitive, the key
    /// of `var:<key>` keeps its case.
    fn from_column_name(name: &str) -> Result<Option<Field>, ColumnMapError> {
        let name = name.trim();
        if name.is_empty() || name == "-" {
            return Ok(None);
        }
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("var:") {
            let key = name["var:".len()..].trim();
            if key.is_empty() {
                return Err(ColumnMapError::NoVariableName {
                    name: name.to_string(),
                });
            }
            return Ok(Some(Field::Var(key.to_string())));
        }
        let field = match lower.as_str() {
            "name" => Field::Name,
            "address" | "ip" | "host" => Field::Address,
            "port" => Field::Port,
            "model" => Field::Model,
            "group" => Field::Group,
            "user" | "username" => Field::User,
            "password" => Field::Password,
            "enable" => Field::Enable,
            "credential" => Field::Credential,
            "enabled" => Field::Enabled,
            "transport" | "input" => Field::Transport,
            "telnet_port" => Field::TelnetPort,
            _ => {
                return Err(ColumnMapError::Unknown {
                    name: name.to_string(),
                });
            }
        };
        Ok(Some(field))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Field::Name => "name",
            Field::Address => "address",
            Field::Port => "port",
            Field::Model => "model",
            Field::Group => "group",
            Field::User => "user",
            Field::Password => "password",
            Field::Enable => "enable",
            Field::Credential => "credential",
            Field::Enabled => "enabled",
            Field::Transport => "transport",
            Field::TelnetPort => "telnet_port",
            Field::Var(key) => return write!(f, "var:{key}"),
        };
        f.write_str(name)
    }
}

/// Which column holds what: entry `i` is the field of column `i`, `None`
/// for a skipped column. Always has a `name` and a `model` column, and no
/// field twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap(Vec<Option<Field>>);

impl ColumnMap {
    /// Parses a comma-separated map such as `name,model,user,password`.
    ///
    /// Known fields: `name`, `address` (alias `ip`, `host`), `port`,
    /// `model`, `group`, `user` (alias `username`), `password`, `enable`,
    /// `credential`, `enabled`, and `var:<key>` for a driver variable.
    /// `-` or an empty entry skips a column.
    ///
    /// Errors name the bad entry: an unknown name, a field given twice, or a
    /// map without `name` or `model`.
    pub fn parse(spec: &str) -> Result<ColumnMap, ColumnMapError> {
        ColumnMap::from_names(&spec.split(',').collect::<Vec<_>>())
    }

    /// Oxidized's default map for `router.db`: `name,model`.
    pub(crate) fn router_db_default() -> ColumnMap {
        ColumnMap(vec![Some(Field::Name), Some(Field::Model)])
    }

    /// The field of each column, `None` where a column is skipped.
    pub fn columns(&self) -> &[Option<Field>] {
        &self.0
    }

    /// One map from column names, shared by `--columns` and CSV headers.
    fn from_names(names: &[&str]) -> Result<ColumnMap, ColumnMapError> {
        let mut columns: Vec<Option<Field>> = Vec::with_capacity(names.len());
        for name in names {
            let field = Field::from_column_name(name)?;
            if let Some(field) = &field
                && let Some(first) = columns.iter().position(|c| c.as_ref() == Some(field))
            {
                return Err(ColumnMapError::Repeated {
                    name: name.trim().to_string(),
                    field: field.clone(),
                    first: first + 1,
                });
            }
            columns.push(field);
        }
        let map = ColumnMap(columns);
        for required in [Field::Name, Field::Model] {
            if map.index_of(&required).is_none() {
                let given: Vec<&str> = names.iter().map(|n| n.trim()).collect();
                return Err(ColumnMapError::Missing {
                    field: required,
                    given: given.join(","),
                });
            }
        }
        Ok(map)
    }

    fn index_of(&self, field: &Field) -> Option<usize> {
        self.0.iter().position(|c| c.as_ref() == Some(field))
    }

    /// How many fields a row needs to reach every required column.
    fn required_width(&self) -> usize {
        [Field::Name, Field::Model]
            .iter()
            .filter_map(|f| self.index_of(f))
            .max()
            .map_or(0, |i| i + 1)
    }

    /// How errors name column `index` (0-based).
    fn label(&self, index: usize) -> String {
        match self.0.get(index) {
            Some(Some(field)) => field.to_string(),
            _ => format!("column {}", index + 1),
        }
    }
}

/// The shape of a device list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Oxidized's `router.db`: no header, no quoting.
    RouterDb,
    /// CSV whose first row is a header naming the columns.
    Csv,
}

/// How to read a device list.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub format: Format,
    /// The field separator: `:` for `router.db`, `,` for CSV.
    pub delimiter: u8,
    /// Which column holds what. `None`: `name,model` for `router.db`, the
    /// header row for CSV. For CSV an explicit map replaces the header's
    /// names; the header row is still skipped.
    pub columns: Option<ColumnMap>,
}

impl ImportOptions {
    /// Guesses the format from the file name: `router.db` or any `.db`
    /// file is Oxidized's format with `:`, anything else CSV with `,`.
    pub fn for_path(path: &Path) -> ImportOptions {
        let is_router_db = path.file_name().is_some_and(|n| n == "router.db")
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("db"));
        if is_router_db {
            ImportOptions {
                format: Format::RouterDb,
                delimiter: b':',
                columns: None,
            }
        } else {
            ImportOptions {
                format: Format::Csv,
                delimiter: b',',
                columns: None,
            }
        }
    }
}

/// One device read from a list. Values are trimmed; absent ones are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line in the file where the device's row starts.
    pub line: usize,
    pub name: String,
    /// Defaults to the name: Oxidized connects to the name as a host name.
    pub address: String,
    pub port: Option<u16>,
    pub model: String,
    pub group: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub enable: Option<String>,
    /// The name of a stored credential.
    pub credential: Option<String>,
    pub enabled: Option<bool>,
    /// The transports to try, in order, checked.
    pub transport: Option<crate::Transports>,
    pub telnet_port: Option<u16>,
    /// Driver variables, from `var:<key>` columns.
    pub vars: BTreeMap<String, String>,
}

/// Reads a device list from `path`; errors start with `<path>: `.
pub fn load(path: &Path, options: &ImportOptions) -> Result<Vec<Record>, ImportError> {
    let bytes = std::fs::read(path).map_err(|cause| ImportError::Read {
        path: path.to_path_buf(),
        cause,
    })?;
    parse_bytes(&bytes, options).map_err(|e| ImportError::InFile {
        path: path.to_path_buf(),
        cause: Box::new(e),
    })
}

/// Reads a device list from text.
pub fn parse(text: &str, options: &ImportOptions) -> Result<Vec<Record>, ImportError> {
    parse_bytes(text.as_bytes(), options)
}

/// One row of the file, trimmed, with the line it starts on.
struct Row {
    line: usize,
    values: Vec<String>,
}

fn parse_bytes(bytes: &[u8], options: &ImportOptions) -> Result<Vec<Record>, ImportError> {
    // Spreadsheets often save CSV with a UTF-8 byte order mark, which the
    // csv crate would make part of the first column name.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(options.delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .quoting(options.format == Format::Csv)
        .from_reader(bytes);

    let mut map = match options.format {
        Format::RouterDb => Some(
            options
                .columns
                .clone()
                .unwrap_or_else(ColumnMap::router_db_default),
        ),
        Format::Csv => None,
    };
    let mut records: Vec<Record> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = LineCounter::new(bytes);
    let mut raw = csv::ByteRecord::new();
    loop {
        let from = reader.position().byte() as usize;
        if !reader
            .read_byte_record(&mut raw)
            // Reading from memory, only malformed input can fail here.
            .map_err(|e| row(lines.row_start(from), e.to_string()))?
        {
            break;
        }
        let line = lines.row_start(from);
        let fields = decode_row(line, &raw, map.as_ref())?;
        if fields.values.iter().all(String::is_empty) {
            continue;
        }
        let Some(map) = &map else {
            // The first row of a CSV file is its header. An explicit map
            // stands in for its names.
            let header = match &options.columns {
                Some(columns) => columns.clone(),
                None => ColumnMap::from_names(
                    &fields.values.iter().map(String::as_str).collect::<Vec<_>>(),
                )
                .map_err(|cause| ImportError::Header { line, cause })?,
            };
            map = Some(header);
            continue;
        };
        let record = to_record(&fields, map)?;
        if let Some(first) = seen.get(&record.name) {
            return Err(row(
                line,
                format!(
                    "device {:?} appears twice (first on line {first})",
                    record.name
                ),
            ));
        }
        seen.insert(record.name.clone(), line);
        records.push(record);
    }
    Ok(records)
}

/// Finds the line each row starts on.
///
/// The csv crate's record positions are not enough: a record's position is
/// where the previous record ended, before any blank or comment lines, and
/// its line count can lag behind a CRLF. So we count newlines ourselves from
/// that byte offset, skipping what csv skips.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Byte offset counted up to, and the 1-based line it is on.
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line of the first row starting at or after byte `from`.
    fn row_start(&mut self, from: usize) -> usize {
        let from = from.clamp(self.at, self.bytes.len());
        self.line += self.bytes[self.at..from]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.at = from;
        while let Some(&byte) = self.bytes.get(self.at) {
            match byte {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                }
                b'\r' => self.at += 1,
                b'#' => match self.bytes[self.at..].iter().position(|b| *b == b'\n') {
                    Some(end) => {
                        self.at += end + 1;
                        self.line += 1;
                    }
                    None => self.at = self.bytes.len(),
                },
                _ => break,
            }
        }
        self.line
    }
}

/// Checks a row's text and trims it. `map` is `None` for a CSV header.
fn decode_row(
    line: usize,
    raw: &csv::ByteRecord,
    map: Option<&ColumnMap>,
) -> Result<Row, ImportError> {
    let label = |index: usize| match map {
        Some(map) => map.label(index),
        None => format!("column {}", index + 1),
    };
    let mut values = Vec::with_capacity(raw.len());
    for (index, bytes) in raw.iter().enumerate() {
        let Ok(value) = std::str::from_utf8(bytes) else {
            return Err(row(line, format!("{}: not valid UTF-8", label(index))));
        };
        // The csv crate reads an unclosed quote to the end of the file
        // without complaint. No device field holds a line break, so a value
        // with one is the sign of it.
        if value.contains(['\n', '\r']) {
            return Err(row(
                line,
                format!(
                    "{}: unterminated quote (the value runs past the end of the line)",
                    label(index)
                ),
            ));
        }
        values.push(value.trim().to_string());
    }
    Ok(Row { line, values })
}

fn to_record(fields_of: &Row, map: &ColumnMap) -> Result<Record, ImportError> {
    let line = fields_of.line;
    let fields = fields_of.values.len();
    let needed = map.required_width();
    if fields < needed {
        let noun = if fields == 1 { "field" } else { "fields" };
        // Name the first required column the row does not reach.
        let missing = [Field::Name, Field::Model]
            .into_iter()
            .filter(|f| map.index_of(f).is_some_and(|i| i >= fields))
            .min_by_key(|f| map.index_of(f))
            .map_or_else(|| "a column".to_string(), |f| f.to_string());
        return Err(row(
            line,
            format!("{missing}: missing ({fields} {noun}, the column map needs at least {needed})"),
        ));
    }
    let value = |field: &Field| -> Option<String> {
        let index = map.index_of(field)?;
        fields_of
            .values
            .get(index)
            .filter(|v| !v.is_empty())
            .cloned()
    };
    // Values are quoted in errors to show what was wrong, except those that
    // are this row's secrets (a mistyped column map can put a password in
    // the port column).
    let secrets = [value(&Field::Password), value(&Field::Enable)];
    let shown = |v: &str| {
        if secrets.iter().flatten().any(|s| s == v) {
            "the value (hidden, it is a secret)".to_string()
        } else {
            format!("{v:?}")
        }
    };

    let name = value(&Field::Name).ok_or_else(|| row(line, "name: missing"))?;
    let model = value(&Field::Model).ok_or_else(|| row(line, "model: missing"))?;
    let port_of = |field: &Field| -> Result<Option<u16>, ImportError> {
        match value(field) {
            None => Ok(None),
            Some(text) => parse_port(&text).map(Some).ok_or_else(|| {
                row(
                    line,
                    format!("{field}: {} is not a port number", shown(&text)),
                )
            }),
        }
    };
    let port = port_of(&Field::Port)?;
    let telnet_port = port_of(&Field::TelnetPort)?;
    // `ssh,telnet` (or with spaces): a list in one field.
    let transport = match value(&Field::Transport) {
        None => None,
        Some(text) => {
            let list = crate::Transports::from_list(&text.to_ascii_lowercase());
            list.resolve().map_err(|problem| row(line, problem))?;
            Some(list)
        }
    };
    let enabled = match value(&Field::Enabled) {
        None => None,
        Some(text) => Some(parse_bool(&text).ok_or_else(|| {
            row(
                line,
                format!("enabled: {} is not true/false/yes/no/1/0", shown(&text)),
            )
        })?),
    };
    let mut vars = BTreeMap::new();
    for field in map.columns().iter().flatten() {
        if let Field::Var(key) = field
            && let Some(v) = value(field)
        {
            vars.insert(key.clone(), v);
        }
    }
    Ok(Record {
        line,
        address: value(&Field::Address).unwrap_or_else(|| name.clone()),
        name,
        port,
        model,
        group: value(&Field::Group),
        user: value(&Field::User),
        password: value(&Field::Password),
        enable: value(&Field::Enable),
        credential: value(&Field::Credential),
        enabled,
        transport,
        telnet_port,
        vars,
    })
}

/// A TCP port: digits only, 1 to 65535.
fn parse_port(text: &str) -> Option<u16> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|p| *p != 0)
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router_db(columns: Option<&str>) -> ImportOptions {
        ImportOptions {
            format: Format::RouterDb,
            delimiter: b':',
            columns: columns.map(|c| ColumnMap::parse(c).unwrap()),
        }
    }

    fn csv() -> ImportOptions {
        ImportOptions {
            format: Format::Csv,
            delimiter: b',',
            columns: None,
        }
    }

    fn error(text: &str, options: &ImportOptions) -> String {
        match parse(text, options) {
            Ok(records) => panic!("expected an error, got {records:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn router_db_default_map_is_name_and_model() {
        let records = parse("core-1:ios\nedge-2:junos:extra\n", &router_db(None)).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[0],
            Record {
                line: 1,
                name: "core-1".into(),
                address: "core-1".into(),
                port: None,
                model: "ios".into(),
                group: None,
                user: None,
                password: None,
                enable: None,
                credential: None,
                enabled: None,
                transport: None,
                telnet_port: None,
                vars: BTreeMap::new(),
            }
        );
        assert_eq!(records[1].name, "edge-2");
        assert_eq!(records[1].model, "junos");
        assert_eq!(records[1].line, 2);
    }

    #[test]
    fn router_db_with_a_full_column_map() {
        let options = router_db(Some("name,address,model,group,user,password,enable"));
        let text = "core-1:10.0.0.1:ios:core:admin:s3cret:en4ble\nedge-2::junos:edge:admin::\n";
        let records = parse(text, &options).unwrap();
        let core = &records[0];
        assert_eq!(core.address, "10.0.0.1");
        assert_eq!(core.model, "ios");
        assert_eq!(core.group.as_deref(), Some("core"));
        assert_eq!(core.user.as_deref(), Some("admin"));
        assert_eq!(core.password.as_deref(), Some("s3cret"));
        assert_eq!(core.enable.as_deref(), Some("en4ble"));
        let edge = &records[1];
        assert_eq!(
            edge.address, "edge-2",
            "an empty address falls back to the name"
        );
        assert_eq!(edge.password, None);
        assert_eq!(edge.enable, None);
    }

    #[test]
    fn router_db_does_not_treat_quotes_specially() {
        let records = parse(
            "core-1:ios:admin:\"pa:ss\n",
            &router_db(Some("name,model,user,password")),
        )
        .unwrap();
        assert_eq!(records[0].password.as_deref(), Some("\"pa"));
    }

    #[test]
    fn transports_come_from_a_transport_or_input_column_and_are_checked() {
        let records = parse(
            "old-1:ios:telnet\nboth:ios:ssh, telnet\nplain:ios:\n",
            &router_db(Some("name,model,input")),
        )
        .unwrap();
        let names = |names: &[&str]| {
            Some(crate::Transports::Many(
                names.iter().map(|n| n.to_string()).collect(),
            ))
        };
        assert_eq!(records[0].transport, names(&["telnet"]));
        assert_eq!(records[1].transport, names(&["ssh", "telnet"]));
        assert_eq!(records[2].transport, None);
        let records = parse(
            "name,model,transport,telnet_port\nts-1,ios,TELNET,2323\n",
            &csv(),
        )
        .unwrap();
        assert_eq!(records[0].transport, names(&["telnet"]));
        assert_eq!(records[0].telnet_port, Some(2323));
        let err = parse("name,model,transport\nts-1,ios,rlogin\n", &csv())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "line 2: transport: \"rlogin\" is not one of \"ssh\", \"telnet\""
        );
        let err = parse("name,model,telnet_port\nts-1,ios,23x\n", &csv())
            .unwrap_err()
            .to_string();
        assert_eq!(err, "line 2: telnet_port: \"23x\" is not a port number");
    }

    #[test]
    fn csv_header_names_the_columns_including_vars() {
        let text = "Name, IP ,Port,model,username,credential,enabled,var:site\n\
                    core-1,10.0.0.1,2201,ios,admin,lab,yes,\"Lab, rack 4\"\n\
                    edge-2,,,junos,,,0,\n";
        let records = parse(text, &csv()).unwrap();
        let core = &records[0];
        assert_eq!(core.line, 2);
        assert_eq!(core.address, "10.0.0.1");
        assert_eq!(core.port, Some(2201));
        assert_eq!(core.user.as_deref(), Some("admin"));
        assert_eq!(core.credential.as_deref(), Some("lab"));
        assert_eq!(core.enabled, Some(true));
        assert_eq!(
            core.vars.get("site").map(String::as_str),
            Some("Lab, rack 4")
        );
        let edge = &records[1];
        assert_eq!(edge.address, "edge-2");
        assert_eq!(edge.port, None);
        assert_eq!(edge.enabled, Some(false));
        assert!(edge.vars.is_empty(), "an empty var is absent");
    }

    #[test]
    fn csv_explicit_map_replaces_the_header_names() {
        let options = ImportOptions {
            columns: Some(ColumnMap::parse("name,-,model").unwrap()),
            ..csv()
        };
        let records = parse("hostname,comment,platform\ncore-1,ignored,ios\n", &options).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].name, "core-1");
        assert_eq!(records[0].model, "ios");
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_lines_still_count() {
        let text = "# exported from oxidized\n\ncore-1:ios\n   \n# edge:\nedge-2:junos\n";
        let records = parse(text, &router_db(None)).unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6]);

        let text = "# devices\nname,model\n\n# none yet\ncore-1,ios\n";
        let records = parse(text, &csv()).unwrap();
        assert_eq!(records[0].line, 5);
    }

    #[test]
    fn whitespace_is_trimmed_and_crlf_accepted() {
        let records = parse(" core-1 : ios \r\nedge-2:junos\r\n", &router_db(None)).unwrap();
        assert_eq!(records[0].name, "core-1");
        assert_eq!(records[0].model, "ios");
        assert_eq!(records[1].line, 2);
    }

    #[test]
    fn byte_order_mark_does_not_spoil_the_first_column_name() {
        let records = parse("\u{FEFF}name,model\ncore-1,ios\n", &csv()).unwrap();
        assert_eq!(records[0].name, "core-1");
    }

    #[test]
    fn for_path_picks_the_format_from_the_file_name() {
        let db = ImportOptions::for_path(Path::new("/etc/oxidized/router.db"));
        assert_eq!((db.format, db.delimiter), (Format::RouterDb, b':'));
        let db = ImportOptions::for_path(Path::new("lab.DB"));
        assert_eq!(db.format, Format::RouterDb);
        let csv = ImportOptions::for_path(Path::new("devices.csv"));
        assert_eq!((csv.format, csv.delimiter), (Format::Csv, b','));
        assert!(csv.columns.is_none());
    }

    #[test]
    fn column_map_parses_aliases_skips_and_vars() {
        let map = ColumnMap::parse("name, -, ,HOST,model,username,var:Site").unwrap();
        assert_eq!(
            map.columns(),
            [
                Some(Field::Name),
                None,
                None,
                Some(Field::Address),
                Some(Field::Model),
                Some(Field::User),
                Some(Field::Var("Site".into())),
            ]
        );
    }

    #[test]
    fn column_map_errors_name_the_bad_entry() {
        let e = ColumnMap::parse("name,model,colour").unwrap_err();
        assert_eq!(
            e,
            ColumnMapError::Unknown {
                name: "colour".into()
            }
        );
        assert!(
            e.to_string()
                .starts_with("unknown column \"colour\" (known: name, address"),
            "{e}"
        );
        let e = ColumnMap::parse("name,ip,model,address").unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"address\" repeats address (already column 2)"
        );
        let e = ColumnMap::parse("name,ip").unwrap_err();
        assert_eq!(
            e,
            ColumnMapError::Missing {
                field: Field::Model,
                given: "name,ip".into()
            }
        );
        assert_eq!(e.to_string(), "no model column in \"name,ip\"");
        let e = ColumnMap::parse("name,model,var:").unwrap_err();
        assert!(e.to_string().contains("\"var:\""), "{e}");
    }

    #[test]
    fn bad_port_names_line_and_field() {
        let text = "name,model,port\ncore-1,ios,22\n\n\n\n\nedge-2,ios,22x\n";
        assert_eq!(
            error(text, &csv()),
            "line 7: port: \"22x\" is not a port number"
        );
        let text = "name,model,port\ncore-1,ios,0\n";
        assert_eq!(
            error(text, &csv()),
            "line 2: port: \"0\" is not a port number"
        );
    }

    #[test]
    fn bad_enabled_names_line_and_field() {
        let text = "name,model,enabled\ncore-1,ios,maybe\n";
        assert_eq!(
            error(text, &csv()),
            "line 2: enabled: \"maybe\" is not true/false/yes/no/1/0"
        );
    }

    #[test]
    fn missing_model_and_name() {
        assert_eq!(
            error("core-1:ios\n# x\nedge-2:\n", &router_db(None)),
            "line 3: model: missing"
        );
        assert_eq!(
            error("a:ios\nb:ios\nc:ios\n :ios\n", &router_db(None)),
            "line 4: name: missing"
        );
    }

    #[test]
    fn duplicate_device_names_both_lines() {
        let text = "# list\ncore-1:ios\na:ios\nb:ios\n\nc:ios\nd:ios\ne:ios\ncore-1:junos\n";
        assert_eq!(
            error(text, &router_db(None)),
            "line 9: device \"core-1\" appears twice (first on line 2)"
        );
    }

    #[test]
    fn unknown_header_column() {
        let e = error("name,model,colour\ncore-1,ios,red\n", &csv());
        assert!(
            e.starts_with("line 1: unknown column \"colour\" (known: name, address, "),
            "{e}"
        );
        let e = error("# header follows\nname,colour\n", &csv());
        assert!(e.starts_with("line 2: unknown column \"colour\""), "{e}");
        assert_eq!(
            error("name,ip\nx,y\n", &csv()),
            "line 1: no model column in \"name,ip\""
        );
    }

    #[test]
    fn short_row_only_errors_when_a_required_column_is_missing() {
        let options = router_db(Some("user,password,name,model"));
        let e = error("admin:pw:core-1:ios\n\n\n\nadmin:pw:edge-2\n", &options);
        assert_eq!(
            e,
            "line 5: model: missing (3 fields, the column map needs at least 4)"
        );
        assert_eq!(
            error("a:ios\nlonely\n", &router_db(None)),
            "line 2: model: missing (1 field, the column map needs at least 2)"
        );
        // Optional columns beyond the row's end are simply absent.
        let options = router_db(Some("name,model,user,password"));
        let records = parse("core-1:ios\n", &options).unwrap();
        assert_eq!(records[0].user, None);
    }

    #[test]
    fn unterminated_quote_is_reported_on_its_line() {
        let text = "name,model,var:site\ncore-1,ios,lab\nedge-2,ios,\"lab\nedge-3,ios,lab\n";
        assert_eq!(
            error(text, &csv()),
            "line 3: var:site: unterminated quote (the value runs past the end of the line)"
        );
    }

    #[test]
    fn invalid_utf8_is_reported_on_its_line() {
        let dir = std::env::temp_dir().join(format!("netraven-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("router.db");
        std::fs::write(&path, b"core-1:ios\nedge-2:jun\xFFos\n").unwrap();
        let e = load(&path, &ImportOptions::for_path(&path)).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            matches!(&e, ImportError::InFile { cause, .. }
                if matches!(**cause, ImportError::Row { line: 2, .. })),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            format!("{}: line 2: model: not valid UTF-8", path.display())
        );
    }

    #[test]
    fn load_prefixes_errors_with_the_path() {
        let path = Path::new("/nonexistent/netraven/router.db");
        let e = load(path, &ImportOptions::for_path(path)).unwrap_err();
        assert!(matches!(e, ImportError::Read { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("/nonexistent/netraven/router.db: "),
            "{e}"
        );
    }

    #[test]
    fn password_never_appears_in_an_error() {
        let secret = "Hunter2-s3cret";
        // A shifted map puts the password where the port should be.
        let options = router_db(Some("name,model,user,port,password"));
        let e = error(&format!("core-1:ios:admin:{secret}:{secret}\n"), &options);
        assert_eq!(
            e,
            "line 1: port: the value (hidden, it is a secret) is not a port number"
        );
        let options = router_db(Some("name,model,enable,enabled"));
        let e = error(&format!("core-1:ios:{secret}:{secret}\n"), &options);
        assert!(!e.contains(secret), "{e}");
        // Missing or broken fields on a row with a password name the field only.
        let options = router_db(Some("name,model,user,password"));
        let e = error(&format!("core-1::admin:{secret}\n"), &options);
        assert_eq!(e, "line 1: model: missing");
        let text = format!("name,model,password\ncore-1,ios,\"{secret}\n");
        let e = error(&text, &csv());
        assert_eq!(
            e,
            "line 2: password: unterminated quote (the value runs past the end of the line)"
        );
        assert!(!e.contains(secret));
    }
}
