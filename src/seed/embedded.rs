//! The bundled seed (the repository's `seed/` folder) built into the binary, so that
//! `diplograph` serves data wherever it runs. It is read through the same stages as a
//! directory: only where the text comes from differs.

use super::files::SeedPath;
use std::path::PathBuf;

/// The bundled seed's files: (path below `seed/`, text), in path order. A test checks it
/// equals the `seed/` folder, so that the two cannot drift.
const FILES: &[(&str, &str)] = &[
    ("actors.toml", include_str!("../../seed/actors.toml")),
    ("episodes/2021-06-harris-trip.toml", include_str!("../../seed/episodes/2021-06-harris-trip.toml")),
    ("episodes/2023-12-mexico-city.toml", include_str!("../../seed/episodes/2023-12-mexico-city.toml")),
    ("places.toml", include_str!("../../seed/places.toml")),
    ("sources.toml", include_str!("../../seed/sources.toml")),
];

/// The built-in seed's files, ready to be read; paths in messages read `built-in seed/...`.
pub(super) fn files() -> Vec<SeedPath> {
    FILES
        .iter()
        .map(|&(relative, text)| SeedPath {
            path: PathBuf::from("built-in seed").join(relative),
            relative: relative.to_owned(),
            embedded: Some(text),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::files::list_files;
    use std::path::Path;

    #[test]
    fn the_built_in_seed_is_the_seed_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed");
        let on_disk: Vec<(String, String)> = list_files(&dir)
            .expect("seed/")
            .iter()
            .map(|f| (f.relative.clone(), f.read_text().expect("seed file").into_owned()))
            .collect();
        let built_in: Vec<(String, String)> =
            files().iter().map(|f| (f.relative.clone(), f.read_text().expect("built in").into_owned())).collect();
        let names = |files: &[(String, String)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&built_in), names(&on_disk), "src/seed/embedded.rs must list every file of seed/");
        assert!(built_in == on_disk, "a built-in file differs from seed/: rebuild");
    }

    #[test]
    fn the_built_in_seed_loads_as_the_seed_folder_does() {
        let dir = crate::seed::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seed")).expect("seed/");
        let built_in = crate::seed::load_from(&crate::seed::SeedSource::BuiltIn).expect("built-in seed");
        assert_eq!(built_in.snapshot().hash, dir.snapshot().hash);
        assert_eq!(built_in.node_count(), dir.node_count());
        assert_eq!(built_in.snapshot().source, "built-in");
    }

    #[test]
    fn the_built_in_seed_is_served_only_without_a_seed_flag_or_folder() {
        use crate::seed::SeedSource;
        let here = tempfile::tempdir().expect("tempdir");
        assert_eq!(SeedSource::find_in(None, here.path()), SeedSource::BuiltIn);
        let given = PathBuf::from("elsewhere");
        assert_eq!(SeedSource::find_in(Some(given.clone()), here.path()), SeedSource::Dir(given));
        std::fs::create_dir(here.path().join("seed")).expect("mkdir");
        assert_eq!(SeedSource::find_in(None, here.path()), SeedSource::Dir(PathBuf::from("seed")));
    }
}
