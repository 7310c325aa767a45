//! Embedded videos and maps: a fenced block with the info string `embed` whose body is TOML,
//!
//! ````markdown
//! ```embed
//! video = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
//! title = "Our 2026 conference keynote"
//! ```
//! ````
//!
//! (`video` from YouTube or Vimeo; or `map = "51.5136, -0.0890"` with an optional `zoom`,
//! from OpenStreetMap), becomes an accessible placeholder: what it is, who provides it, the
//! cookie category, what loading it does, a button to load it once and a link to the cookie
//! page. The player's `<iframe>` is emitted inert (`data-consent-src`), so nothing is
//! requested from the provider before the visitor asks. The provider's host must be declared
//! in cookies.toml, serving `frame`; otherwise the error says what to add.

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::legal::cookies::Origin;

/// What the site declares about a provider's host.
pub struct Provider {
    /// The category key, `strictly_necessary` for one that needs no consent.
    pub category: &'static str,
    pub category_label: String,
    /// Whether its service `serves` frames.
    pub frames: bool,
}

/// What embeds need from the site: the declared providers, the page's interface text and
/// the cookie page.
pub struct Embeds<'a> {
    pub provider: &'a dyn Fn(&Origin) -> Option<Provider>,
    pub text: &'a dyn Fn(&str) -> String,
    pub cookies_href: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    video: Option<String>,
    map: Option<String>,
    zoom: Option<u8>,
    title: String,
}

/// One embed, resolved: the provider's player and page.
struct Player {
    /// `youtube`, `vimeo`, `openstreetmap`: the translation keys' suffix.
    provider: &'static str,
    origin: &'static str,
    src: String,
    link: String,
    /// The `[[services]]` entry a site adds to declare the provider.
    declaration: &'static str,
}

const YOUTUBE: &str = "[[services]]\nid = \"youtube\"\nname = \"YouTube videos\"\nprovider = \"Google Ireland Limited\"\ncategory = \"marketing\"\npurpose = \"Playing videos embedded in pages, once you ask for one\"\nhosts = [\"https://www.youtube-nocookie.com\"]\nserves = [\"frame\"]\nprivacy_url = \"https://policies.google.com/privacy\"";
const VIMEO: &str = "[[services]]\nid = \"vimeo\"\nname = \"Vimeo videos\"\nprovider = \"Vimeo.com, Inc.\"\ncategory = \"marketing\"\npurpose = \"Playing videos embedded in pages, once you ask for one\"\nhosts = [\"https://player.vimeo.com\"]\nserves = [\"frame\"]\nprivacy_url = \"https://vimeo.com/privacy\"";
const OSM: &str = "[[services]]\nid = \"openstreetmap\"\nname = \"OpenStreetMap maps\"\nprovider = \"OpenStreetMap Foundation\"\ncategory = \"functional\"\npurpose = \"Showing maps embedded in pages, once you ask for one\"\nhosts = [\"https://www.openstreetmap.org\"]\nserves = [\"frame\"]\nprivacy_url = \"https://osmfoundation.org/wiki/Privacy_Policy\"";

/// Renders the embed block whose TOML `body` starts at `at` in the markdown.
pub(super) fn render(
    body: &str,
    at: usize,
    embeds: Option<&Embeds<'_>>,
    locate: &dyn Fn(usize, String) -> Diagnostic,
) -> Result<String, Diagnostic> {
    let spec: Spec =
        toml::from_str(body).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            locate(at + offset, format!("this embed is not valid: {}", e.message())).hint(
            "write `video = \"https://…\"` or `map = \"latitude, longitude\"`, and `title = \"…\"`",
        )
        })?;
    let player = player(&spec).map_err(|message| {
        locate(at, message).hint(
            "a video is a YouTube or Vimeo address; a map is `map = \"51.5136, -0.0890\"` with an optional `zoom` from 1 to 19",
        )
    })?;
    let Some(embeds) = embeds else {
        return Err(
            locate(at, "embeds are not available in this text".to_string())
                .hint("put the embed in a page's or notice's body"),
        );
    };
    let origin = Origin::parse(player.origin).map_err(|p| locate(at, p.message))?;
    let provider = (embeds.provider)(&origin).ok_or_else(|| {
        locate(
            at,
            format!(
                "this embed loads from {}, which data/cookies.toml does not declare",
                player.origin
            ),
        )
        .hint(format!(
            "add to data/cookies.toml (choose the category your policy gives it):\n{}",
            player.declaration
        ))
    })?;
    if !provider.frames {
        return Err(locate(
            at,
            format!(
                "this embed loads a frame from {}, which data/cookies.toml does not declare as serving `frame`",
                player.origin
            ),
        )
        .hint("add \"frame\" to the service's `serves`"));
    }
    Ok(placeholder(&spec.title, &player, &provider, embeds))
}

fn player(spec: &Spec) -> Result<Player, String> {
    match (&spec.video, &spec.map) {
        (Some(video), None) => video_player(video),
        (None, Some(map)) => map_player(map, spec.zoom.unwrap_or(15)),
        _ => Err("an embed has either `video` or `map`".to_string()),
    }
}

fn video_player(address: &str) -> Result<Player, String> {
    let bad = || format!("`{address}` is not a YouTube or Vimeo video address");
    let url = url::Url::parse(address).map_err(|_| bad())?;
    let host = url.host_str().unwrap_or("").trim_start_matches("www.");
    let segments: Vec<&str> = url.path_segments().map_or(Vec::new(), |s| s.collect());
    let youtube_id = match (host, segments.as_slice()) {
        ("youtube.com" | "m.youtube.com", ["watch"]) => url
            .query_pairs()
            .find(|(k, _)| k == "v")
            .map(|(_, v)| v.into_owned()),
        ("youtube.com" | "youtube-nocookie.com", ["embed" | "shorts" | "live", id]) => {
            Some(id.to_string())
        }
        ("youtu.be", [id]) => Some(id.to_string()),
        _ => None,
    };
    if let Some(id) = youtube_id {
        let valid = id.len() == 11
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(bad());
        }
        return Ok(Player {
            provider: "youtube",
            origin: "https://www.youtube-nocookie.com",
            src: format!("https://www.youtube-nocookie.com/embed/{id}"),
            link: format!("https://www.youtube.com/watch?v={id}"),
            declaration: YOUTUBE,
        });
    }
    let vimeo_id = match (host, segments.as_slice()) {
        ("vimeo.com", [id]) | ("player.vimeo.com", ["video", id]) => Some(*id),
        _ => None,
    }
    .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
    .ok_or_else(bad)?;
    Ok(Player {
        provider: "vimeo",
        origin: "https://player.vimeo.com",
        src: format!("https://player.vimeo.com/video/{vimeo_id}?dnt=1"),
        link: format!("https://vimeo.com/{vimeo_id}"),
        declaration: VIMEO,
    })
}

fn map_player(place: &str, zoom: u8) -> Result<Player, String> {
    let bad = || format!("`{place}` is not \"latitude, longitude\" (e.g. \"51.5136, -0.0890\")");
    let (lat, lon) = place.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    if !(-85.0..=85.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(bad());
    }
    if !(1..=19).contains(&zoom) {
        return Err(format!("`zoom = {zoom}` is not from 1 to 19"));
    }
    // About two and a half tiles of 256 px across, as wide as the column.
    let half_width = 1.25 * 360.0 / f64::from(1u32 << zoom);
    let half_height = half_width * 0.6 * lat.to_radians().cos();
    let (west, east) = (lon - half_width, lon + half_width);
    let (south, north) = (lat - half_height, lat + half_height);
    Ok(Player {
        provider: "openstreetmap",
        origin: "https://www.openstreetmap.org",
        src: format!(
            "https://www.openstreetmap.org/export/embed.html?bbox={west:.5}%2C{south:.5}%2C{east:.5}%2C{north:.5}&layer=mapnik&marker={lat:.5}%2C{lon:.5}"
        ),
        link: format!(
            "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map={zoom}/{lat:.5}/{lon:.5}"
        ),
        declaration: OSM,
    })
}

fn placeholder(title: &str, player: &Player, provider: &Provider, embeds: &Embeds<'_>) -> String {
    let t = |key: &str| escape(&(embeds.text)(key));
    let key = |what: &str| t(&format!("embed_{}_{what}", player.provider));
    let title = escape(title);
    let (src, link) = (escape(&player.src), escape(&player.link));
    if provider.category == "strictly_necessary" {
        return format!(
            "<figure class=\"embed\"><iframe class=\"embed-frame\" title=\"{title}\" src=\"{src}\" allowfullscreen></iframe><figcaption><a href=\"{link}\">{}</a></figcaption></figure>\n",
            key("open")
        );
    }
    let loads = t("embed_loads")
        .replace("{provider}", &key("name"))
        .replace("{category}", &escape(&provider.category_label));
    format!(
        "<figure class=\"embed\" data-embed>\n<div class=\"embed-placeholder\">\n<p><strong>{kind}: {title}</strong></p>\n<p>{loads}</p>\n<p class=\"embed-actions\"><button type=\"button\" class=\"button\" data-embed-load hidden>{load}</button> <a href=\"{cookies}#consent-choice\">{settings}</a> <a href=\"{link}\">{open}</a></p>\n</div>\n<iframe class=\"embed-frame\" title=\"{title}\" data-consent-src=\"{src}\" data-consent-category=\"{category}\" allowfullscreen hidden></iframe>\n</figure>\n",
        kind = key("kind"),
        load = key("load"),
        cookies = escape(&embeds.cookies_href),
        settings = t("embed_settings"),
        open = key("open"),
        category = provider.category,
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(video: Option<&str>, map: Option<&str>) -> Spec {
        Spec {
            video: video.map(str::to_string),
            map: map.map(str::to_string),
            zoom: None,
            title: "T".to_string(),
        }
    }

    #[test]
    fn video_addresses_of_each_provider() {
        for address in [
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=3",
            "https://youtu.be/aqz-KE-bpKQ",
            "https://www.youtube.com/embed/aqz-KE-bpKQ",
        ] {
            let p = player(&spec(Some(address), None)).unwrap();
            assert_eq!(
                p.src, "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
                "{address}"
            );
        }
        let p = player(&spec(Some("https://vimeo.com/76979871"), None)).unwrap();
        assert_eq!(p.src, "https://player.vimeo.com/video/76979871?dnt=1");
        for bad in [
            "https://www.youtube.com/watch?v=short",
            "https://evil.example/watch?v=aqz-KE-bpKQ",
            "https://vimeo.com/abc",
        ] {
            assert!(player(&spec(Some(bad), None)).is_err(), "{bad}");
        }
    }

    #[test]
    fn maps_are_a_place_and_a_zoom() {
        let p = player(&spec(None, Some("51.5136, -0.0890"))).unwrap();
        assert!(
            p.src.starts_with(
                "https://www.openstreetmap.org/export/embed.html?bbox=-0.10273%2C51.5"
            ),
            "{}",
            p.src
        );
        assert!(
            p.src.ends_with("&layer=mapnik&marker=51.51360%2C-0.08900"),
            "{}",
            p.src
        );
        assert!(player(&spec(None, Some("north"))).is_err());
        assert!(player(&spec(None, Some("95, 0"))).is_err());
        assert!(player(&spec(Some("https://youtu.be/aqz-KE-bpKQ"), Some("1, 1"))).is_err());
    }
}
