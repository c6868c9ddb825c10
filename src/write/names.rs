//! Codes said in words on pages: a doctor's languages by name ("Spanish",
//! not "es") and a schema.org specialty as words ("Primary care", not
//! "PrimaryCare"). The codes stay as they are in structured data, where
//! machines read them.

/// English names of the languages a clinic is likeliest to list, by their
/// BCP 47 primary subtag (ISO 639-1, or 639-3 where there is no two-letter code).
const LANGUAGES: &[(&str, &str)] = &[
    ("af", "Afrikaans"),
    ("am", "Amharic"),
    ("ar", "Arabic"),
    ("ase", "American Sign Language"),
    ("az", "Azerbaijani"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("bn", "Bengali"),
    ("bs", "Bosnian"),
    ("ca", "Catalan"),
    ("ceb", "Cebuano"),
    ("chr", "Cherokee"),
    ("cmn", "Mandarin"),
    ("cs", "Czech"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("eu", "Basque"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fil", "Filipino"),
    ("fr", "French"),
    ("ga", "Irish"),
    ("gl", "Galician"),
    ("gu", "Gujarati"),
    ("ha", "Hausa"),
    ("haw", "Hawaiian"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hmn", "Hmong"),
    ("hr", "Croatian"),
    ("ht", "Haitian Creole"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("id", "Indonesian"),
    ("ig", "Igbo"),
    ("ilo", "Ilocano"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ka", "Georgian"),
    ("kk", "Kazakh"),
    ("km", "Khmer"),
    ("kn", "Kannada"),
    ("ko", "Korean"),
    ("ku", "Kurdish"),
    ("ky", "Kyrgyz"),
    ("la", "Latin"),
    ("lb", "Luxembourgish"),
    ("lo", "Lao"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("mi", "Māori"),
    ("mk", "Macedonian"),
    ("ml", "Malayalam"),
    ("mn", "Mongolian"),
    ("mr", "Marathi"),
    ("ms", "Malay"),
    ("mt", "Maltese"),
    ("my", "Burmese"),
    ("nb", "Norwegian Bokmål"),
    ("ne", "Nepali"),
    ("nl", "Dutch"),
    ("nn", "Norwegian Nynorsk"),
    ("no", "Norwegian"),
    ("nv", "Navajo"),
    ("om", "Oromo"),
    ("pa", "Punjabi"),
    ("pl", "Polish"),
    ("prs", "Dari"),
    ("ps", "Pashto"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("rw", "Kinyarwanda"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sm", "Samoan"),
    ("so", "Somali"),
    ("sq", "Albanian"),
    ("sr", "Serbian"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("th", "Thai"),
    ("ti", "Tigrinya"),
    ("tl", "Tagalog"),
    ("to", "Tongan"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("vi", "Vietnamese"),
    ("xh", "Xhosa"),
    ("yi", "Yiddish"),
    ("yo", "Yoruba"),
    ("yue", "Cantonese"),
    ("zh", "Chinese"),
    ("zu", "Zulu"),
];

/// The English name of the language `tag` names (`es`, `es-MX`, `EN`), or
/// `tag` itself when it is not one Rounds knows (a name written out, say).
pub fn language_name(tag: &str) -> String {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LANGUAGES
        .binary_search_by(|(code, _)| (*code).cmp(primary.as_str()))
        .map_or_else(|_| tag.to_string(), |n| LANGUAGES[n].1.to_string())
}

/// A schema.org name run together in CamelCase, as words: `PrimaryCare` →
/// `Primary care`. Text with spaces, or without a capital inside a word
/// (`Cardiovascular`, `ENT`), is already words and stays as it is.
pub fn words(name: &str) -> String {
    if name.contains(char::is_whitespace) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 4);
    let mut after_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && after_lower {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        after_lower = c.is_lowercase();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_the_binary_search() {
        assert!(LANGUAGES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn languages_are_named() {
        assert_eq!(language_name("en"), "English");
        assert_eq!(language_name("es-MX"), "Spanish");
        assert_eq!(language_name("SV"), "Swedish");
        assert_eq!(language_name("ig"), "Igbo");
        assert_eq!(language_name("Klingon"), "Klingon");
    }

    #[test]
    fn specialties_read_as_words() {
        assert_eq!(words("PrimaryCare"), "Primary care");
        assert_eq!(words("CommunityHealth"), "Community health");
        assert_eq!(words("Cardiovascular"), "Cardiovascular");
        assert_eq!(words("ENT"), "ENT");
        assert_eq!(
            words("General and preventive cardiology"),
            "General and preventive cardiology"
        );
    }
}
