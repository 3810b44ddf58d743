//! Size limits, in one place so the API, the docs and the tests agree.

/// Largest request body any JSON endpoint accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_SEARCH_CHARS: usize = 200;
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_URL_CHARS: usize = 2_000;
pub const MAX_LIST_NAME_CHARS: usize = 100;
/// Lists per user, archived ones included.
pub const MAX_LISTS: usize = 200;
