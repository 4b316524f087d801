use scoped_runtime::capsule_table;

/// An index name breaking the rule, too many shards, an unknown projection, an index twice.
#[capsule_table(
    "crm",
    sort_key,
    index(ByEmail, name = "By-Email"),
    index(Recent, sort_key, shards = 65),
    index(ByOwner, projection = some),
    index(ByOwner)
)]
pub struct Crm;

fn main() {}
