//! What the host CPU can run.

/// Why this CPU cannot run code built for x86-64-v3, if it cannot: the features it lacks.
pub fn lacks_x86_64_v3() -> Option<String> {
    #[cfg(target_arch = "x86_64")]
    {
        let features = [
            ("avx", std::is_x86_feature_detected!("avx")),
            ("avx2", std::is_x86_feature_detected!("avx2")),
            ("bmi1", std::is_x86_feature_detected!("bmi1")),
            ("bmi2", std::is_x86_feature_detected!("bmi2")),
            ("f16c", std::is_x86_feature_detected!("f16c")),
            ("fma", std::is_x86_feature_detected!("fma")),
            ("lzcnt", std::is_x86_feature_detected!("lzcnt")),
            ("movbe", std::is_x86_feature_detected!("movbe")),
        ];
        let missing: Vec<&str> = features
            .iter()
            .filter(|(_, has)| !has)
            .map(|(name, _)| *name)
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "this CPU lacks x86-64-v3's {}, so the x86-64-v3 library would stop on an illegal instruction",
                missing.join(", ")
            )
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    Some("x86-64-v3 is an x86-64 build".to_string())
}
