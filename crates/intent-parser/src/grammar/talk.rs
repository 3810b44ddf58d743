//! Small talk, answers and refusals: what is said to the assistant rather
//! than asked of the task list ("thanks!", "ja, bitte", "what's the weather",
//! "can you call the pizza place?").

use super::*;

pub(super) const YES: &[&str] = &[
    "that works",
    "works for me",
    "that works for me",
    "that's right",
    "thats right",
    "that's correct",
    "correct",
    "exactly",
    "ja",
    "weg damit",
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "confirm",
    "confirmed",
    "do it",
    "go ahead",
    "go for it",
    "do that",
    "please do",
    "pls do",
    "by all means",
    "is good please do it so",
    "mhm",
    "aye",
    "aye go on",
    "go on",
    "yes please do",
    "ye",
    "yy",
    "yas",
    "uh-huh",
    "uh huh",
    "that's what i meant",
    "that's the right one",
    "go",
    "exactly right",
    "fine by me",
    "that is correct",
    "that is right",
    "yes do it",
    "yes delete it",
    "yes please",
    "yes go ahead",
    "absolutely",
    "correct",
    "affirmative",
    "yes i'm sure",
    "i'm sure",
    "go on",
    "exactly",
    "this one",
    "that one",
];

pub(super) const NO: &[&str] = &[
    "wrong one",
    "the wrong one",
    "better not",
    "rather not",
    "not that one",
    "no",
    "n",
    "nope",
    "nah",
    "cancel",
    "never mind",
    "nevermind",
    "don't",
    "do not",
    "no thanks",
    "no don't",
    "no keep it",
    "keep it",
    "abort",
    "forget it",
    "don't delete it",
    "don't touch it",
    "i'd rather not",
    "not so fast",
    "hang on not so fast",
    "hands off that one",
    "please do not do this",
    "don't bother",
    "on second thought i'd rather not",
    "id rather not",
    "let's not",
    "lets not",
    "not a chance",
    "definitely not",
    "no way",
    "nuh-uh",
    "nuh uh",
    "cancel that",
    "don't change it",
    "dont change it",
    "keep it how it was",
    "dont touch it",
    "leave it alone",
    "don't change anything",
    "dont change anything",
    "no wait",
    "i prefer not",
    "prefer not",
    "leave it",
    "leave it like it is",
    "leave it as it is",
];

pub(super) const CHAT: &[&str] = &[
    "nothing else",
    "nothing else for now",
    "that's all",
    "that's all for now",
    "thats all",
    "tschüss",
    "tschuss",
    "adios",
    "adiós",
    "guten morgen",
    "guten tag",
    "guten abend",
    "buenos días",
    "buenos dias",
    "buenas tardes",
    "buenas noches",
    "bonjour",
    "bonsoir",
    "hola",
    "hallo",
    "moin",
    "servus",
    "ciao",
    "salut",
    "bom dia",
    "olá",
    "hi",
    "hello",
    "hey",
    "hey there",
    "yo",
    "thanks",
    "thank you",
    "thx",
    "help",
    "what can you do",
    "what can i say",
    "what do you do",
    "how does this work",
    "who are you",
    "how are you",
    "good morning",
    "good night",
    "good evening",
    "menu",
    "commands",
    "test",
];

/// An answer that opens with yes or no and goes on ("Yes, please do like
/// this", "no not that one", "nooo"): the opening word decides. "no more
/// repeats" and "no rush" are not answers.
pub(super) fn leading_answer(whole: &str) -> Option<bool> {
    let mut words = whole.split(' ').peekable();
    while words.peek().is_some_and(|w| {
        matches!(
            *w,
            "hmm"
                | "hm"
                | "um"
                | "uh"
                | "well"
                | "oh"
                | "ah"
                | "naja"
                | "tja"
                | "eh"
                | "ehh"
                | "mm"
                | "mmm"
                | "actually"
                | "ehm"
                | "erm"
                | "uhm"
        )
    }) {
        words.next();
    }
    let rest: Vec<&str> = words.clone().collect();
    let said = |p: &[&str]| rest.starts_with(p);
    // "of course, remove it", "that's the one, yes": a yes said in words.
    if [
        &["of", "course"][..],
        &["that's", "the", "one"],
        &["thats", "the", "one"],
        &["that's", "it"],
        &["absolutely"],
        &["definitely"],
    ]
    .iter()
    .any(|p| said(p))
    {
        return Some(true);
    }
    // "stop, don't delete it!", "wait no": a no said in haste.
    if [
        &["stop", "don't"][..],
        &["stop", "dont"],
        &["stop", "do", "not"],
        &["wait", "don't"],
        &["wait", "dont"],
        &["wait", "no"],
        &["hold", "on", "don't"],
    ]
    .iter()
    .any(|p| said(p))
    {
        return Some(false);
    }
    let first = words.next()?;
    let next = words.next().unwrap_or("");
    let run = |s: &str, head: &str, tail: char| {
        s.strip_prefix(head)
            .is_some_and(|r| r.chars().all(|c| c == tail))
    };
    // "yeees", "yesss", "nahhh", "nop": drawn out or cut short.
    let drawn = |s: &str, word: &str| {
        let mut squeezed = s.chars().collect::<Vec<_>>();
        squeezed.dedup();
        squeezed.into_iter().collect::<String>() == word
    };
    if run(first, "yes", 's')
        || run(first, "yea", 'h')
        || drawn(first, "yes")
        || matches!(first, "yep" | "yup" | "sure")
    {
        return Some(true);
    }
    if (drawn(first, "nah") || drawn(first, "no") || first == "nop")
        && !next.chars().any(char::is_alphanumeric)
    {
        return Some(false);
    }
    if (run(first, "no", 'o') || matches!(first, "nope" | "nah"))
        && !matches!(
            next,
            "more" | "rush" | "longer" | "need" | "repeats" | "repeating"
        )
    {
        return Some(false);
    }
    None
}

/// Whether a message is in another language (German, Spanish, French,
/// Portuguese, Italian): most of its words are their common words and none
/// is an English word of this assistant. `Some(true)` when it asks someone
/// to do something ("kannst du…", "¿puedes…", "tu peux…").
pub(super) fn foreign(t: &[Tok]) -> Option<bool> {
    const FOREIGN: &[&str] = &[
        "ich",
        "bin",
        "du",
        "sie",
        "er",
        "wir",
        "ihr",
        "und",
        "oder",
        "nicht",
        "heute",
        "morgen",
        "bitte",
        "meinen",
        "meine",
        "mein",
        "mir",
        "mich",
        "das",
        "der",
        "die",
        "ist",
        "so",
        "kannst",
        "können",
        "kann",
        "jetzt",
        "noch",
        "auch",
        "für",
        "zu",
        "auf",
        "mit",
        "wieder",
        "müde",
        "gut",
        "danke",
        "hallo",
        "yo",
        "es",
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "que",
        "qué",
        "por",
        "para",
        "con",
        "muy",
        "bien",
        "todo",
        "aquí",
        "hola",
        "tal",
        "puedes",
        "pedirme",
        "ahora",
        "mis",
        "mi",
        "tu",
        "te",
        "me",
        "de",
        "je",
        "suis",
        "tu",
        "peux",
        "dire",
        "qui",
        "le",
        "les",
        "des",
        "et",
        "est",
        "pas",
        "moi",
        "mes",
        "à",
        "ça",
        "va",
        "très",
        "eu",
        "você",
        "não",
        "sim",
        "obrigado",
        "io",
        "sono",
        "che",
        "non",
        "per",
        "al",
        "del",
        "lo",
        "ya",
        "está",
        "estoy",
        "tengo",
        "hoy",
        "mañana",
        "aujourd'hui",
        "demain",
        "écrit",
        "misérables",
        "bruder",
        "anrufen",
        "taxi",
        "aeropuerto",
        "cansado",
        "montre-moi",
        "zeig",
        "muéstrame",
        "tareas",
        "aufgaben",
        "tâches",
    ];
    const ENGLISH: &[&str] = &[
        "add", "task", "remind", "me", "tomorrow", "today", "please", "buy", "call", "the", "to",
        "my", "i", "at", "on", "every", "delete", "done", "show", "list", "what", "is", "and",
        "it", "that", "this", "a", "an", "for", "of", "in", "with", "you", "can", "it's", "bin",
    ];
    let words: Vec<&str> = t
        .iter()
        .filter(|x| !text::is_punct(&x.low))
        .map(|x| x.low.as_str())
        .collect();
    if words.len() < 3 {
        return None;
    }
    let foreign = words.iter().filter(|w| FOREIGN.contains(w)).count();
    let english = words
        .iter()
        .filter(|w| ENGLISH.contains(w) && !FOREIGN.contains(w))
        .count();
    if foreign * 2 < words.len() || english > 0 {
        return None;
    }
    let asks = words.iter().any(|w| {
        matches!(
            *w,
            "kannst" | "können" | "puedes" | "peux" | "podrías" | "pourrais" | "pode" | "puoi"
        )
    });
    Some(asks)
}

/// A short answer in other words or languages ("ja, bitte", "sí, claro",
/// "hmm... ok fine, do it", "i guess so, yeah", "not really... no", "go
/// for it", "nein, lieber nicht"): it opens, after hesitation, with a yes
/// or no word, and the rest is politeness or more of the same.
pub(super) fn answer_in_words(whole: &str) -> Option<bool> {
    const HESITATION: &[&str] = &[
        "hmm", "hm", "um", "uh", "well", "oh", "ah", "actually", "wait", "erm", "mmm", "so",
    ];
    const YES: &[&str] = &[
        "yes",
        "yeah",
        "yep",
        "yup",
        "ya",
        "yea",
        "yess",
        "sure",
        "ok",
        "okay",
        "k",
        "fine",
        "absolutely",
        "definitely",
        "certainly",
        "correct",
        "right",
        "confirm",
        "confirmed",
        "ja",
        "jawohl",
        "genau",
        "si",
        "sí",
        "claro",
        "vale",
        "oui",
        "haan",
        "ha",
        "han",
        "好的",
        "好",
        "是",
        "对",
        "da",
        "sim",
        "alright",
        "sounds",
        "go",
        "proceed",
        "affirmative",
        "aye",
        "please",
        "do",
    ];
    const NO: &[&str] = &[
        "no", "nope", "nah", "nein", "non", "nee", "niet", "não", "nao", "cancel", "don't", "dont",
        "never", "abort", "negative",
    ];
    const REST: &[&str] = &[
        "please", "thanks", "thank", "you", "so", "much", "merci", "danke", "gracias", "bitte",
        "do", "it", "go", "ahead", "for", "that", "this", "one", "lieber", "nicht", "to", "me",
        "sounds", "good", "great", "fine", "yeah", "yes", "claro", "vas-y", "ji", "i", "guess",
        "sure", "really", "no", "not", "don't", "dont", "let's", "lets", "ok", "okay", "then",
        "of", "course", "beaucoup", "mil", "vielen", "dank", "thx", "ty", "perfect", "alright",
        "just", "now", "keep", "leave", "wait", "actually", "hmm", "sí", "si", "oui", "ja", "nein",
        "non", "nope", "nah", "bien", "gut", "bon", "please", "pls", "plz", "a", "lot", "still",
        "need", "want",
    ];
    let words: Vec<&str> = whole
        .split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    let start = words.iter().position(|w| !HESITATION.contains(w))?;
    // "please don't, I still need it": the answer follows the "please".
    let start = if words[start] == "please"
        && words
            .get(start + 1)
            .is_some_and(|w| matches!(*w, "don't" | "dont" | "no" | "not" | "do"))
    {
        start + 1
    } else {
        start
    };
    let rest = &words[start..];
    for (p, yes) in [
        ("i guess so", true),
        ("go for it", true),
        ("sounds good", true),
        ("please do", true),
        ("do it", true),
        ("of course", true),
        ("not yet", false),
        ("hold on no", false),
        ("hang on no", false),
        ("not really", false),
        ("don't do that", false),
        ("better not", false),
        ("not that one", false),
        ("not this one", false),
        ("rather not", false),
    ] {
        let said: Vec<&str> = p.split(' ').collect();
        if rest.starts_with(&said) && rest[said.len()..].iter().all(|w| REST.contains(w)) {
            return Some(yes);
        }
    }
    let first = rest[0];
    let tail_ok = rest[1..].iter().all(|w| REST.contains(w));
    if !tail_ok {
        return None;
    }
    if NO.contains(&first) {
        return Some(false);
    }
    if YES.contains(&first) && !matches!(first, "please" | "do" | "go") {
        // "yes … no": the last word decides ("not really... no" is read above).
        return Some(
            !rest
                .iter()
                .skip(1)
                .any(|w| matches!(*w, "no" | "nope" | "nein" | "non" | "not" | "don't")),
        );
    }
    None
}

/// "that's it for today", "that's everything for now, thanks", "ok that's
/// all from me": the user is finished. Said with a task under discussion it
/// does not move that task to today, and it asks for no list.
pub(super) fn signs_off(whole: &str) -> bool {
    let words: Vec<&str> = whole.split(' ').collect();
    let start = words
        .iter()
        .position(|w| {
            !matches!(
                *w,
                "ok" | "okay"
                    | "alright"
                    | "right"
                    | "so"
                    | "well"
                    | "i"
                    | "think"
                    | "thanks"
                    | "thank"
                    | "you"
                    | "thx"
                    | "cheers"
                    | "great"
                    | "perfect"
                    | "cool"
                    | "good"
            )
        })
        .unwrap_or(0);
    let rest = &words[start..];
    let (what, tail) = match rest {
        ["that's" | "thats", what, tail @ ..] => (*what, tail),
        ["that", "is" | "was" | "'s", what, tail @ ..] => (*what, tail),
        ["that'll" | "thatll", "be", what, tail @ ..] => (*what, tail),
        _ => return false,
    };
    // (A bare "right, that's it" answers "is this the task?".)
    let done = matches!(what, "all" | "everything") || what == "it" && !tail.is_empty();
    done && tail.iter().all(|w| {
        matches!(
            *w,
            "for"
                | "now"
                | "today"
                | "tonight"
                | "the"
                | "day"
                | "week"
                | "from"
                | "me"
                | "then"
                | "thanks"
                | "thank"
                | "you"
                | "thx"
                | "ty"
                | "cheers"
                | "bye"
                | "ok"
                | "okay"
                | "i"
                | "think"
                | "guess"
                | "really"
                | "folks"
        )
    })
}

/// Words that ask for something: talk that says one is no longer only talk.
const COMMANDS: &[&str] = &[
    "add", "remind", "reminder", "delete", "remove", "move", "reopen", "restore", "undo",
    "complete", "mark", "done", "task", "tasks", "list", "show", "rename", "snooze", "put", "set",
    "create", "schedule", "cancel", "stop", "resume", "un-done", "undone", "un-do", "post",
    "share", "tweet", "send", "text",
];

/// "first time here 👋", "see you on monday 👋", "ttyl 👋 gotta get the
/// kids": a wave that ends the message, or follows a goodbye, greets or
/// takes leave, whatever else is said, unless a request is made too ("Hiii
/// 👋 could you add …"). ("hi 👋 buy milk tomorrow" greets, then asks.)
pub(super) fn waves(message: &str, whole: &str) -> bool {
    let Some(at) = message.find('👋') else {
        return false;
    };
    let ends = message[at..].chars().all(|c| !c.is_alphanumeric());
    let leaving = message[..at]
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "bye" | "ttyl" | "cya" | "later" | "goodbye" | "gtg" | "night" | "tschüss" | "ciao"
            )
        });
    (ends || leaving) && !whole.split(' ').any(|w| COMMANDS.contains(&w))
}

/// Small talk: every word is an interjection, greeting, thanks or the
/// like, a bare number, or one keyboard-mash word ("asdf").
/// A question about the assistant itself, answered with what it can do:
/// "What kinds of things can you help me with?", "wat r u able 2 do",
/// "could you explain how you function?", "what does \"reopen\" mean?",
/// "how many priority levels are there?". `whole` is the message's words,
/// lower case, without punctuation.
pub(super) fn asks_about_assistant(whole: &str) -> bool {
    let words: Vec<&str> = whole.split(' ').filter(|w| !w.is_empty()).collect();
    let has = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
    // Past greetings and politeness: "good day.", "please,", "sorry, but".
    let start = words
        .iter()
        .position(|w| {
            matches!(
                *w,
                "what" | "wat" | "whats" | "what's" | "which" | "how" | "hw" | "explain"
            )
        })
        .filter(|&k| k <= 8);
    let Some(k) = start else { return false };
    let rest = &words[k..];
    // About the list, not the assistant: "what can you tell me about
    // today's tasks", "what do I have to do".
    if has(&[
        "task", "tasks", "todo", "todos", "to-do", "to-dos", "list", "due", "overdue", "today",
        "tomorrow", "week", "left", "i", "my", "finished", "done",
    ]) && !has(&["mean", "means"])
    {
        return false;
    }
    // What the assistant (or the app) can do, said of it: "you able",
    // "can you help", "how you function", "how does this app work" ("how
    // do you say 'deadline' in Spanish" asks for a translation).
    let ability = (0..words.len()).any(|i| {
        matches!(words[i], "you" | "u" | "ya" | "app" | "assistant" | "bot")
            && words[i + 1..words.len().min(i + 4)].iter().any(|w| {
                matches!(
                    *w,
                    "able"
                        | "capable"
                        | "help"
                        | "function"
                        | "work"
                        | "works"
                        | "support"
                        | "handle"
                )
            })
    });
    // "what does "reopen" mean?": a word of the app ("what does
    // 'serendipity' mean?" asks for a dictionary).
    let means = (rest.contains(&"mean") || rest.contains(&"means"))
        && has(&[
            "reopen",
            "snooze",
            "priority",
            "prio",
            "recurring",
            "repeat",
            "series",
            "tag",
            "tags",
            "complete",
            "completed",
            "overdue",
            "reminder",
            "urgent",
            "due",
            "resume",
            "rename",
            "reschedule",
            "suggestion",
            "suggestions",
            "list",
            "lists",
        ]);
    let levels = matches!(rest.first(), Some(&("how" | "what" | "which" | "wat")))
        && has(&["levels", "priorities", "level"])
        && (rest.windows(2).any(|p| p == ["are", "there"]) || has(&["exist", "have"]));
    ability || means || levels
}

/// A remark about the app, asking nothing: "I just downloaded this app",
/// "Good morning, I just installed the app", "you're honestly smarter than
/// my last to-do app", "Hi, it's my first day using this". ("I need to
/// update the banking app" asks for a to-do: it says what to do.)
pub(super) fn remarks_on_app(whole: &str) -> bool {
    let words: Vec<&str> = whole.split(' ').filter(|w| !w.is_empty()).collect();
    let mut k = 0;
    while matches!(
        words.get(k).copied().unwrap_or(""),
        "hi" | "hello"
            | "hey"
            | "greetings"
            | "good"
            | "morning"
            | "evening"
            | "afternoon"
            | "so"
            | "honestly"
            | "ok"
            | "okay"
            | "wow"
            | "omg"
            // ("just downloaded this app".)
            | "just"
    ) {
        k += 1;
    }
    let subject = matches!(
        words.get(k).copied().unwrap_or(""),
        "i" | "i'm" | "im" | "i've" | "ive" | "you're" | "youre" | "you" | "it's" | "its"
    ) || k > 0
        && words[k - 1] == "just"
        && matches!(
            words.get(k).copied().unwrap_or(""),
            "downloaded" | "installed" | "found" | "discovered" | "started"
        );
    let about_app = words.contains(&"app") || words.last() == Some(&"this");
    let asks = words.iter().any(|w| {
        matches!(
            *w,
            "add"
                | "remind"
                | "reminder"
                | "need"
                | "have"
                | "must"
                | "should"
                | "gotta"
                | "please"
                | "pls"
                | "can"
                | "could"
                | "would"
                | "want"
                | "delete"
                | "cancel"
                | "today"
                | "tomorrow"
                | "tonight"
                | "by"
                | "before"
                | "until"
                | "but"
                | "task"
                | "to"
                | "update"
                | "install"
                | "uninstall"
                | "check"
        )
    });
    subject && about_app && !asks
}

pub(super) fn is_chat(whole: &str) -> bool {
    const WORDS: &[&str] = &[
        // Thanks in the languages of the glossary and their neighbours.
        "danke",
        "schön",
        "schoen",
        "vielen",
        "dank",
        "merci",
        "beaucoup",
        "gracias",
        "muchas",
        "obrigado",
        "obrigada",
        "grazie",
        "mille",
        "bedankt",
        "tack",
        "dziękuję",
        "dziekuje",
        "spasibo",
        "спасибо",
        "arigato",
        "arigatou",
        "kiitos",
        "takk",
        "köszönöm",
        "teşekkürler",
        "dankjewel",
        "ton",
        "many",
        "tnx",
        "gn",
        "legend",
        "hows",
        "your",
        "wonderful",
        "helpful",
        "ya",
        "pardon",
        "confused",
        "hiya",
        "been",
        "everyone",
        "ever",
        "assistant",
        "matter",
        "doesn't",
        // "hola! just saying hi".
        "saying",
        "hola",
        "hallo",
        "ciao",
        "salut",
        "moin",
        // Leaving: "nothing else for now, tschüss".
        "nothing",
        "else",
        "for",
        "now",
        "tschüss",
        "tschuss",
        "adios",
        "adiós",
        "amigo",
        "amiga",
        "buddy",
        "mate",
        "dude",
        // Acknowledgements.
        "sure",
        "got",
        "gotcha",
        "sounds",
        "fine",
        "k",
        "kk",
        "np",
        "ty",
        "thx",
        "noted",
        "understood",
        "cheers",
        "welcome",
        "cool",
        "haha",
        "hahaha",
        "lol",
        "lmao",
        "nice",
        "one",
        "great",
        "thanks",
        "thank",
        "you",
        "alright",
        "ok",
        "okay",
        "goodbye",
        "bye",
        "see",
        "later",
        "omg",
        "wow",
        "interesting",
        "hmm",
        "awesome",
        "perfect",
        "good",
        "evening",
        "morning",
        "night",
        "afternoon",
        "how's",
        "how",
        "is",
        "it",
        "going",
        "hello",
        "hi",
        "hey",
        "i",
        "am",
        "i'm",
        "new",
        "here",
        "you're",
        "a",
        "lifesaver",
        "seriously",
        "excuse",
        "me",
        "don't",
        "understand",
        "what",
        "wat",
        "can",
        "u",
        "do",
        "so",
        "much",
        "really",
        "very",
        "the",
        "best",
        "amazing",
        "sweet",
        "yay",
        "oops",
        "ugh",
        "meh",
        "fine",
        "sounds",
        "that's",
        "thats",
        "cheers",
        "ta",
        "xd",
        "yo",
        "sup",
        "whatever",
        "kidding",
        "just",
        "ha",
        "are",
        "doing",
        "there",
        "nvm",
        "tomorrow",
        "again",
        "for",
        "help",
        "welcome",
        "lot",
        "blah",
        "meh",
        "argh",
        "sigh",
        "wrong",
        "chat",
        "sorry",
        // "brill 👌", "Oh my goodness.", "cool - I mean, awesome", "I
        // understand - wait, no, I don't get it".
        "brill",
        "eh",
        "goodness",
        "gosh",
        "mean",
        "wait",
        "get",
    ];
    // Praise, greetings and goodbyes said in whole sentences ("Oh, that's
    // really cool, I like it!", "Hello there, nice to meet you!", "you've
    // been very helpful today", "Never mind, forget what I said", "r u a
    // bot"): these words are talk only beside a word that only talk uses
    // ("this week?" asks about the week).
    const SENTENCE_WORDS: &[&str] = &[
        "oh",
        "like",
        "love",
        "this",
        "that",
        "was",
        "to",
        "meet",
        "and",
        "all",
        "of",
        "way",
        "you've",
        "youve",
        "very",
        "today",
        "honestly",
        "saved",
        "my",
        "week",
        "day",
        "simple",
        "quick",
        "easy",
        "fast",
        "useful",
        "brilliant",
        "fantastic",
        "excellent",
        "lovely",
        "r",
        "bot",
        "robot",
        "human",
        "thanx",
        "thnx",
        "thanku",
        "gr8",
        "cu",
        "cya",
        "hadn't",
        "thought",
        "never",
        "mind",
        "said",
        "ignore",
        "lazy",
        "tired",
        "ur",
        "app",
        // "coolio, gtg", "Ha ha, that is funny", "Thank you kindly", "You
        // help me very much, I am really grateful", "u there?? hellooo",
        // "wait r u a bot or a person", "nvm forget it".
        "coolio",
        "gotta",
        "run",
        "funny",
        "kindly",
        "grateful",
        "indeed",
        "or",
        "person",
        "happy",
        "weekend",
        "comes",
        "long",
        "chaos",
        "mine's",
        "using",
        "first",
        "time",
        "tell",
        "wait",
        "afloat",
        "keeping",
        "family",
        "soon",
        "good",
        "my",
        "no",
    ];
    const TALK_ONLY: &[&str] = &[
        "goodness",
        "gosh",
        "understand",
        "thanks",
        "thank",
        "thx",
        "thanx",
        "thnx",
        "thanku",
        "ty",
        "gr8",
        "cheers",
        "hello",
        "hi",
        "hey",
        "hiya",
        "bye",
        "goodbye",
        "cu",
        "cya",
        "nice",
        "cool",
        "great",
        "awesome",
        "perfect",
        "like",
        "love",
        "lol",
        "haha",
        "bot",
        "robot",
        "human",
        "meet",
        "sorry",
        "sounds",
        "helpful",
        "lifesaver",
        "interesting",
        "wow",
        "omg",
        "morning",
        "evening",
        "afternoon",
        "lazy",
        "tired",
        "honestly",
        "saved",
        "simple",
        "quick",
        "easy",
        "useful",
        "brilliant",
        "fantastic",
        "excellent",
        "lovely",
        "mind",
        "thought",
        "ignore",
        "r",
        "goodbye",
        "later",
        "alright",
        "okay",
        "ok",
        "coolio",
        "funny",
        "kindly",
        "grateful",
        "indeed",
        "person",
        "happy",
        "gtg",
        "ttyl",
        "nvm",
        "ha",
        "good",
    ];
    let words: Vec<&str> = whole.split(' ').collect();
    let in_sentences = words
        .iter()
        .all(|w| WORDS.contains(w) || MORE_TALK.contains(w) || SENTENCE_WORDS.contains(w))
        && words.iter().any(|w| TALK_ONLY.contains(w));
    // "what am i doing tomorrow" asks about the tasks.
    let asks_about_a_day = words.iter().any(|w| matches!(*w, "tomorrow" | "today"))
        && words
            .iter()
            .any(|w| matches!(*w, "what" | "doing" | "do" | "have" | "due" | "plans"));
    if (words
        .iter()
        .all(|w| WORDS.contains(w) || MORE_TALK.contains(w))
        || in_sentences)
        && !(words.len() == 1 && words[0] == "tomorrow")
        && !asks_about_a_day
    {
        return true;
    }
    // "let me think", "that's all for now", "knock knock".
    let said = words.join(" ");
    // "oops, my cat walked on the keyboard", "I typed that by accident",
    // "brb, coffee", "Merry Christmas in advance!", "I just got promoted!!":
    // talk at any length, unless it asks for something.
    let asks = words.iter().any(|w| COMMANDS.contains(w));
    if !asks
        && [
            "walked on the keyboard",
            "walked on my keyboard",
            "by accident",
            "by mistake",
            "brb",
            "be right back",
            "merry christmas",
            "happy new year",
            "happy holidays",
            "happy easter",
            "got promoted",
            "got a promotion",
            "happy thanksgiving",
            "didn't expect that",
            "did not expect that",
            "grab a pen",
            "only thing keeping me",
            "ignore that",
            "ignore this",
            "ignore me",
            "wrong chat",
        ]
        .iter()
        .any(|p| said.contains(p))
    {
        return true;
    }
    if [
        "let me think",
        "didn't get that",
        "did not understand",
        "do you speak",
        "do u speak",
        "can you speak",
        "can u speak",
        "talk to you",
        "talk to u",
        "need a holiday",
        "need a vacation",
        "need a break",
        "didnt get that",
        "don't understand",
        "dont understand",
        "do not understand",
        "don't get it",
        "what do you mean",
        "catch you later",
        "good stuff",
        "just installed",
        "just signed up",
        "thank god",
        "talk tomorrow",
        "talk later",
        "first time using",
        "what are you able to do",
        "what r u able to do",
        "maybe later",
        "i'll think about it",
        "ill think about it",
        "no idea",
        "no worries",
        "all good",
        "you rock",
        "you're the best",
        "youre the best",
        "ur the best",
        "wait what",
        "that's all",
        "knock knock",
        "what's up",
        "whats up",
        "much appreciated",
        "you're funny",
        "stupid bot",
        "dumb bot",
        "bad bot",
        "good bot",
        "have a nice day",
        "have a good day",
        "have a great day",
        "don't know yet",
        "dont know yet",
    ]
    .iter()
    .any(|p| said.contains(p))
        && words.len() <= 6
    {
        return true;
    }
    // "thank you very much for your help, you are very kind", "this app is
    // very useful, I will tell my friends": praise, however long.
    let praise = [
        "first time using",
        "wish me luck",
        "exactly what i wanted",
        "exactly what i needed",
        "you're the best",
        "youre the best",
        "saves me every day",
        "saves my life",
        "you are very kind",
        "you're very kind",
        "you are so kind",
        "you're so kind",
        "you are the best",
        "this app is very useful",
        "this app is great",
        "this app is so useful",
        "this app is amazing",
    ];
    if praise.iter().any(|p| said.contains(p)) && !said.contains("remind") && !said.contains("add")
    {
        return true;
    }
    // Keyboard mash: every word along one row of keys or one key held
    // ("asdkjh qwe zzz", "qwerty uiop").
    let rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let held = |w: &str| w.chars().all(|c| w.starts_with(c));
    let mash = |w: &&str| {
        w.len() >= 3 && (rows.iter().any(|r| w.chars().all(|c| r.contains(c))) || held(w))
    };
    if words.len() >= 2 && words.iter().all(mash) && words.iter().any(|w| w.len() >= 4 || held(w)) {
        return true;
    }
    // "ugh mondays", "meh, fridays": a sigh about a day.
    if words.len() == 2
        && matches!(words[0], "ugh" | "meh" | "argh" | "sigh" | "yay" | "ah")
        && text::weekday(words[1]).is_some()
    {
        return true;
    }
    // "testing 1 2 3", "test test": a check that the chat answers.
    if matches!(words[0], "testing" | "test")
        && words[1..]
            .iter()
            .all(|w| matches!(*w, "test" | "testing") || w.bytes().all(|b| b.is_ascii_digit()))
    {
        return true;
    }
    if words.len() == 1 {
        let w = words[0];
        if w.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
            && w.bytes().any(|b| b.is_ascii_digit())
        {
            return true;
        }
        let rows = ["qwertyuiop", "asdfghjkl;", "zxcvbnm"];
        if w.len() >= 4 && rows.iter().any(|r| w.chars().all(|c| r.contains(c))) {
            return true;
        }
    }
    false
}

/// More small talk: sign-offs, laughter, slang, remarks about the bot.
pub(super) const MORE_TALK: &[&str] = &[
    // "thanks a million", "thanks love", "cheers buddy".
    "million",
    "idk",
    "dunno",
    "whatever",
    "nothing",
    "appreciate",
    "heaps",
    "loads",
    "love",
    "hun",
    "dear",
    "buddy",
    "pal",
    "bunch",
    "hear",
    "tired",
    "sleepy",
    "mhm",
    "mhmm",
    "lovely",
    "job",
    "testing",
    "123",
    "test",
    "well",
    "done!",
    "ta",
    "brilliant",
    "yo",
    "what's",
    "whats",
    "up",
    "cheers",
    "mate",
    "appreciated",
    "brb",
    "ttyl",
    "gtg",
    "bbl",
    "hahaha",
    "hehe",
    "funny",
    "stupid",
    "dumb",
    "silly",
    "bot",
    "knock",
    "lol",
    "rofl",
    "lmao",
    "xoxo",
    "cya",
    "bye",
    "later",
    "all",
    "that's",
    "now",
    "think",
    "let",
    "me",
    "hmm",
    "hm",
    "okie",
    "okey",
    "dokey",
    "sweet",
    "neat",
    "wow",
    "whoa",
    "yikes",
    "curious",
];

/// Requests the assistant cannot carry out: acting in the world for the
/// user now (calls, messages, payments, purchases, bookings, devices,
/// media) or answering questions about the world.
pub(super) fn cannot_do(all: &[Tok], p: &Parser) -> Option<Out> {
    if let Some(out) = cannot_do_here(all, p) {
        return Some(out);
    }
    // "I'm starving …, would you order a curry for delivery?", "about to go
    // for a run - what's the weather like outside?": the request or the
    // question after what the user says of themselves.
    if super::anywhere::asks_to_add(all) {
        return None;
    }
    (2..all.len()).find_map(|k| {
        let brk = w(all, k - 1);
        let asks = opens_with_any(
            &all[k..],
            &[
                &["so", "can", "you"],
                &["so", "could", "you"],
                &["could", "you"],
                &["would", "you"],
                &["can", "you"],
                &["can", "u"],
                &["could", "u"],
                &["do", "you", "know"],
                &["what's"],
                &["whats"],
                &["how", "many"],
                &["how", "much"],
            ],
        );
        // ("…, can you write that down?", "the bus pass task, can you call
        // it …": a part that points back is about the first.)
        if !text::is_punct(brk) || matches!(brk, "'" | "\"" | "“" | "”" | "‘") || !asks {
            return None;
        }
        let points_back = all[k..]
            .iter()
            .any(|x| matches!(x.low.as_str(), "it" | "that" | "this" | "them"));
        if points_back {
            return None;
        }
        cannot_do_here(&all[k..], p)
    })
}

fn cannot_do_here(all: &[Tok], p: &Parser) -> Option<Out> {
    let t = strip_filler(all);
    // "switch off the office lights at 6:30pm monday to friday": what
    // repeats is a chore to keep, not something to do now.
    // ("on saturdays", "about Mondays" describe; they do not repeat.)
    if (0..t.len()).any(|i| {
        recur::parse_recurrence(t, i).is_some()
            && ![i, i + 1]
                .iter()
                .any(|&k| text::weekday(w(t, k)).is_some_and(|(_, plural, _)| plural))
    }) {
        return None;
    }
    // "can you call the pizza place?": asked of the assistant itself, an
    // action it cannot take (with no date or task words, which would make
    // it a to-do: "can you call mom tomorrow" is left to the task reader).
    let asked = seq_any(
        all,
        &[
            &["can", "you"],
            &["could", "you"],
            &["would", "you"],
            &["will", "you"],
            &["can", "u"],
            &["could", "u"],
        ],
    );
    let words: Vec<&str> = t
        .iter()
        .filter(|x| !text::is_punct(&x.low))
        .map(|x| x.low.as_str())
        .collect();
    // "'Book flights' is urgent now": a level said of something is a
    // priority to set (the quoted words only name the task).
    let quoted = super::quoted_tokens(t);
    let unquoted: Vec<&str> = t
        .iter()
        .zip(&quoted)
        .filter(|(x, q)| !text::is_punct(&x.low) && !**q)
        .map(|(x, _)| x.low.as_str())
        .collect();
    if unquoted.windows(2).any(|p| {
        matches!(p[0], "is" | "are" | "'s")
            && matches!(p[1], "urgent" | "important" | "now" | "super" | "really")
    }) && unquoted
        .iter()
        .any(|w| matches!(*w, "urgent" | "important" | "priority"))
    {
        return None;
    }
    // "Book flights to Lisbon is done, please close it": a task reported
    // done is news about the list, not an errand for the assistant.
    if unquoted.windows(2).any(|p| {
        matches!(p[0], "is" | "are" | "'s" | "was" | "been")
            && matches!(
                p[1],
                "done" | "finished" | "complete" | "completed" | "sorted" | "over"
            )
    }) {
        return None;
    }
    let has = |s: &str| words.contains(&s);
    let first = *words.first()?;
    let second = words.get(1).copied().unwrap_or("");
    let reason = crate::CANNOT_DO;
    // Knowledge and errands no one keeps as a task: money converted ("how
    // many Swiss francs would I get for 100 euros"), how a match ended, a
    // whole inbox answered, a text summed up, a flight searched for.
    let of_tasks = words.iter().any(|w| {
        matches!(
            *w,
            "task" | "tasks" | "todo" | "remind" | "reminder" | "add" | "list"
        )
    });
    let money = words.iter().any(|w| {
        matches!(
            *w,
            "euros"
                | "euro"
                | "dollars"
                | "dollar"
                | "francs"
                | "franc"
                | "pounds"
                | "yen"
                | "usd"
                | "eur"
                | "gbp"
                | "chf"
                | "bitcoin"
        )
    });
    let converted = money
        && (words
            .windows(2)
            .any(|p| p[0] == "how" && matches!(p[1], "many" | "much"))
            || first == "convert");
    let result = words
        .iter()
        .any(|w| matches!(*w, "match" | "game" | "race" | "final"))
        && words.iter().any(|w| {
            matches!(
                *w,
                "finished" | "finish" | "end" | "ended" | "won" | "win" | "result" | "score"
            )
        })
        && (is_question_word(first) || seq(t, 0, &["do", "you", "know"]));
    let inbox = matches!(first, "reply" | "respond" | "answer")
        && words
            .iter()
            .any(|w| matches!(*w, "all" | "unread" | "inbox"));
    let summed = matches!(
        first,
        "tldr" | "tl;dr" | "summarise" | "summarize" | "proofread"
    ) && !p.has_task_details(t, true);
    let search = asked
        && words
            .iter()
            .any(|w| matches!(*w, "search" | "find" | "look"))
        && words
            .iter()
            .any(|w| matches!(*w, "flight" | "flights" | "hotel" | "hotels" | "airbnb"));
    // "take a screenshot of this", "set my phone to silent mode", "switch
    // the tv to channel 5": the device in hand; "check for me the grammar
    // in my cover letter", "solve 3x + 5 = 20", "record a voice memo for
    // me": work done here and now; "a good recipe for lasagna", "my
    // horoscope", "is the pharmacy open now": facts the assistant has not.
    // (Checked only where it decides: reading the details is not cheap.)
    let undated = || !p.has_task_details(t, true);
    let device = (first == "take"
        && words
            .iter()
            .take(4)
            .any(|w| matches!(*w, "screenshot" | "photo" | "picture" | "selfie"))
        || matches!(first, "set" | "put" | "switch" | "turn")
            && words
                .iter()
                .any(|w| matches!(*w, "phone" | "tv" | "television"))
            && words
                .iter()
                .any(|w| matches!(*w, "silent" | "mode" | "channel" | "volume" | "mute")))
        && undated();
    let edits = matches!(
        first,
        "check" | "correct" | "fix" | "proofread" | "improve" | "edit"
    ) && words
        .iter()
        .any(|w| matches!(*w, "grammar" | "spelling" | "typos"))
        || matches!(first, "solve" | "record")
            && (words.windows(2).any(|p| p == ["for", "me"]) || first == "solve" && undated());
    // (Asked of the assistant: "look up the recipe for the plum cake" is a
    // to-do.)
    let asked_me =
        asked || has("me") || is_question_word(first) || matches!(first, "what's" | "whats");
    // "whats a 15% tip on 84 euros", "is my DHL parcel out for delivery
    // yet?", "show me the doorbell camera".
    let computed = words.iter().any(|w| w.ends_with('%')) && (money || has("tip"));
    let tracked = words
        .iter()
        .any(|w| matches!(*w, "parcel" | "package" | "delivery" | "shipment"))
        && (is_question_word(first) || matches!(first, "is" | "has" | "where's" | "track"))
        && !has("task");
    // "post 'Happy Friday!' on my instagram": a post made now.
    let posted = matches!(first, "post" | "share" | "tweet")
        && words.iter().any(|w| {
            matches!(
                *w,
                "instagram" | "insta" | "facebook" | "fb" | "twitter" | "linkedin" | "tiktok"
            )
        })
        && {
            // (A day inside the quoted post is not the post's day.)
            let plain: Vec<Tok> = t
                .iter()
                .zip(&quoted)
                .filter(|(_, q)| !**q)
                .map(|(x, _)| x.clone())
                .collect();
            !p.has_task_details(&plain, true)
        };
    let camera = posted
        || has("camera") && matches!(first, "show" | "open" | "turn" | "switch")
        // "reset the wifi router", "top up my phone credit", "make a backup
        // of my phone photos", "tell me a bedtime story".
        || (matches!(first, "reset" | "restart" | "reboot")
            && words
                .iter()
                .any(|w| matches!(*w, "router" | "wifi" | "modem" | "phone" | "laptop"))
            || first == "top" && second == "up" && has("credit")
            || first == "make" && has("backup") && has("phone")
            || first == "tell"
                && second == "me"
                && words.iter().any(|w| matches!(*w, "story" | "stories")))
            && undated();
    let facts = computed
        || tracked
        || camera
        || asked_me
            && words
                .iter()
                .any(|w| matches!(*w, "recipe" | "recipes" | "horoscope"))
        || words.windows(2).any(|p| p == ["open", "now"])
            && words.iter().any(|w| matches!(*w, "is" | "are" | "if"));
    if !of_tasks && (converted || result || inbox || summed || search || device || edits || facts) {
        return Some(refuse(reason));
    }
    // "find me", "get me", "read me", "write for me", "buy for me".
    // "send me a ping about this one tonight": a reminder, asked for.
    let reminder_sent = first == "send"
        && second == "me"
        && words.iter().take(5).any(|w| {
            matches!(
                *w,
                "ping" | "reminder" | "nudge" | "notification" | "alert" | "heads-up"
            )
        });
    let about_tasks = words.iter().any(|w| {
        matches!(
            *w,
            "task"
                | "tasks"
                | "reminder"
                | "reminders"
                | "repeat"
                | "repeats"
                | "repeating"
                | "recurring"
                | "recurrence"
                | "series"
                | "notifications"
        )
    });
    // ("make me a task to sew the button back on" asks for a task.)
    let for_me = matches!(second, "me")
        && !reminder_sent
        && !about_tasks
        && !matches!(
            first,
            "remind"
                | "ping"
                | "notify"
                | "alert"
                | "nudge"
                | "remember"
                | "show"
                | "tell"
                | "give"
                | "let"
                | "ask"
                | "help"
                | "warn"
                | "gimme"
                | "bug"
                | "poke"
                | "nag"
                | "buzz"
                | "list"
                | "read"
        )
        || matches!(
            first,
            "find"
                | "get"
                | "read"
                | "write"
                | "buy"
                | "order"
                | "book"
                | "summarize"
                | "summarise"
                | "answer"
        ) && words.windows(2).any(|p| p == ["for", "me"]);
    let device = !about_tasks
        && matches!(first, "turn" | "switch")
        && matches!(second, "up" | "down" | "on" | "off")
        || matches!(first, "play" | "unlock" | "stream" | "dim") && !p.has_task_details(t, true)
        || text::near(first, "unlock");
    // "call my mom right now", "call the school office now, kid forgot
    // his lunch", "please telephone my son Thomas for me".
    let calls = matches!(
        first,
        "call" | "text" | "email" | "message" | "phone" | "ring" | "telephone"
    );
    let now = calls
        && (words.ends_with(&["right", "now"])
            || t.iter().enumerate().any(|(i, x)| {
                x.low == "now" && (i + 1 == t.len() || text::is_punct(&t[i + 1].low))
            }))
        || calls && words.windows(2).any(|p| p == ["for", "me"]) && !p.has_task_details(t, true);
    // "text Jake that I'm running late": a message to send, now.
    // "write an email to my boss that I am sick today": the message itself.
    let writes = first == "write"
        && words.iter().take(4).any(|w| {
            matches!(
                *w,
                "email" | "e-mail" | "message" | "text" | "note" | "letter"
            )
        })
        && words.windows(2).any(|p| {
            p[0] == "that" && matches!(p[1], "i" | "i'm" | "im" | "we" | "we're" | "i'll")
        });
    // "text Sara I'm running 10 min late": the message follows the name.
    let says_directly = matches!(first, "text" | "message" | "whatsapp" | "dm")
        && matches!(
            words.get(2).copied().unwrap_or(""),
            "i'm" | "im" | "i'll" | "we're" | "we'll"
        );
    let says = says_directly
        || matches!(first, "text" | "email" | "message" | "tell" | "whatsapp")
            && words.iter().skip(2).take(3).any(|w| *w == "that")
            && (has("i'm") || has("i") || has("im") || has("i'll") || has("we") || has("we're"))
            && !words
                .iter()
                .any(|w| matches!(*w, "task" | "todo" | "remind" | "reminder" | "add"))
            && !p.has_task_details(&t[..t.len().min(3)], true);
    let message = says
        || matches!(first, "tweet" | "post") && !p.has_task_details(t, true)
        || matches!(first, "send" | "text")
            && (has("saying")
                || words
                    .get(1)
                    .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
                    && (has("euros")
                        || has("dollars")
                        || has("eur")
                        || has("usd")
                        || has("pounds")));
    let directions = first == "give" && second == "me" && (has("directions") || has("route"))
        || words.starts_with(&["how", "do", "i", "get", "to"])
        || words.starts_with(&["how", "can", "i", "get", "to"]);
    let order_food = first == "order" && has("delivery");
    // "lmk the score", "what's the temperature outside": asking about the
    // world, not the tasks.
    const TASK_WORDS: &[&str] = &[
        "snooze",
        "reschedule",
        "priority",
        "tag",
        "tags",
        "series",
        "app",
        "repeat",
        "recurring",
        "difference",
        "assistant",
        "feature",
        "task",
        "tasks",
        "todo",
        "todos",
        "due",
        "today",
        "tomorrow",
        "overdue",
        "week",
        "list",
        "plan",
        "agenda",
        "schedule",
        "priority",
        "reminder",
        "reminders",
        "left",
        "done",
        "next",
        "open",
        "day",
        "upcoming",
        "tonight",
        "weekend",
    ];
    const ACT: &[&str] = &[
        "call",
        "phone",
        "ring",
        "text",
        "message",
        "email",
        "mail",
        "send",
        "pay",
        "transfer",
        "wire",
        "order",
        "buy",
        "purchase",
        "book",
        "reserve",
        "unlock",
        "lock",
        "play",
        "stream",
        "translate",
        "calculate",
        "convert",
        "google",
        "search",
        "write",
        "draft",
        "summarize",
        "summarise",
        "read",
        "post",
        "tweet",
        "share",
        "sell",
        "dial",
        "video",
        "facetime",
        "skype",
        "whatsapp",
        "print",
        "scan",
        "download",
        "install",
        "drive",
        "fetch",
    ];
    let acts_now = asked
        && ACT.contains(&first)
        && !words.iter().any(|w| {
            matches!(
                *w,
                "task"
                    | "todo"
                    | "to-do"
                    | "remind"
                    | "reminder"
                    | "list"
                    | "add"
                    | "note"
                    | "tasks"
            )
        })
        && !p.has_task_details(t, true);
    // "who won the game", "how much is a flight to Rome", "how far is Munich".
    let asks_world = matches!(
        first,
        "who" | "who's" | "whos" | "how" | "where" | "where's"
    ) && matches!(
        second,
        "won" | "is" | "was" | "much" | "many" | "far" | "long" | "old" | "tall" | "big" | "the"
    ) && !words.iter().any(|w| {
        matches!(
            *w,
            "i" | "my"
                | "me"
                | "you"
                | "task"
                | "tasks"
                | "todo"
                | "list"
                | "due"
                | "reminder"
                | "reminders"
        )
    });
    // "I need you to buy …", "would you mind ordering …", "is it possible to
    // set the thermostat …": asked of the assistant itself, whatever the date.
    let strongly_asked = seq_any(
        all,
        &[
            &["i", "need", "you", "to"],
            &["i", "want", "you", "to"],
            &["i'd", "like", "you", "to"],
            &["would", "you", "mind"],
            &["is", "it", "possible", "to"],
            &["could", "you", "please"],
            &["can", "you", "please"],
            &["please", "help", "me"],
            &["help", "me"],
        ],
    ) || words.iter().any(|w| matches!(*w, "yourself"))
        || words.ends_with(&["right", "now"])
        || words.ends_with(&["right", "away"])
        || has("immediately");
    let verb_at = |w: &str| {
        ACT.contains(&w)
            || w.strip_suffix("ing").is_some_and(|s| {
                ACT.contains(&s)
                    || ACT.iter().any(|a| {
                        format!("{a}e") == s
                            || a.len() > 2 && s.len() + 1 == a.len() && a.starts_with(s)
                    })
            })
            || matches!(w, "check" | "recommend" | "suggest" | "reorder" | "tell")
    };
    let no_task_words = !words.iter().any(|w| {
        matches!(
            *w,
            "task" | "tasks" | "todo" | "to-do" | "remind" | "reminder" | "list" | "add" | "note"
        )
    });
    // "could you please tell me what I have to do today": about the list.
    let said = words.join(" ");
    let asks_my_list = (has("what") || has("what's") || has("whats"))
        && [
            "i have to do",
            "i must do",
            "i need to do",
            "do i have",
            "is due",
            "my agenda",
            "my plate",
            "my tasks",
            "left to do",
            "still to do",
            "run me through",
            "is left",
            "what's left",
            "whats left",
            "is overdue",
            "is due",
            "anything overdue",
            "anything due",
            "what's due",
        ]
        .iter()
        .any(|p| said.contains(p));
    let strong_act = strongly_asked
        && no_task_words
        && !asks_my_list
        && words.iter().take(6).any(|w| verb_at(w));
    // "…, you can use my card": paying with the user's money.
    let pays = (has("card") && (has("use") || has("my")))
        && words
            .iter()
            .any(|w| matches!(*w, "pay" | "send" | "order" | "buy" | "book"))
        || words.windows(3).any(|p| p == ["use", "my", "card"]);
    // "what does 'serendipity' mean?", "what is 17 times 23", "what time is
    // it in new york": a fact, not the user's tasks.
    const MINE: &[&str] = &[
        "i",
        "my",
        "me",
        "i'm",
        "task",
        "tasks",
        "todo",
        "todos",
        "list",
        "due",
        "reminder",
        "reminders",
        "today",
        "tomorrow",
        "tonight",
        "week",
        "overdue",
        "left",
        "open",
        "pending",
        "done",
        "finished",
        "completed",
        "agenda",
        "plan",
        "schedule",
        "next",
        "up",
        "on",
        "you",
        "your",
        "can",
        "snooze",
        "reschedule",
        "priority",
        "tag",
        "tags",
        "series",
        "app",
        "recurring",
        "repeat",
        "reminder",
    ];
    let wh = matches!(
        first,
        "what" | "what's" | "whats" | "who" | "who's" | "when" | "where" | "which" | "how"
    ) || first == "at" && second == "what";
    // "what's the price of gold today": the world's news, whatever the day.
    let worldly =
        wh && words.iter().any(|w| {
            matches!(
                *w,
                "price"
                    | "prices"
                    | "weather"
                    | "forecast"
                    | "news"
                    | "score"
                    | "rate"
                    | "stock"
                    | "stocks"
                    | "headlines"
                    | "temperature"
                    | "train"
                    | "flight"
                    | "bus"
                    | "game"
                    | "match"
                    | "movie"
                    | "store"
                    | "shop"
            )
        }) && !words
            .iter()
            .any(|w| matches!(*w, "i" | "my" | "task" | "tasks" | "me"));
    let fact = worldly
        || wh
            && !words
                .iter()
                .any(|w| MINE.contains(w) || w.starts_with('#') || w.starts_with('!'))
            && (words.iter().any(|w| {
                matches!(
                    *w,
                    "mean"
                        | "means"
                        | "times"
                        | "plus"
                        | "minus"
                        | "divided"
                        | "percent"
                        | "wrote"
                        | "invented"
                        | "capital"
                        | "population"
                        | "boil"
                        | "time"
                        | "distance"
                        | "far"
                        | "tall"
                        | "old"
                        | "born"
                        | "died"
                        | "won"
                        | "weather"
                        | "president"
                        | "made"
                )
            }) || words
                .iter()
                .any(|w| w.ends_with('%') || w.chars().all(|c| c.is_ascii_digit())));
    // "call an uber for me", "make the reservation yourself", "transfer 200
    // dollars … now": the assistant asked to act.
    let by_assistant = ACT.contains(&first)
        && (words.windows(2).any(|p| p == ["for", "me"])
            || has("yourself")
            || words.ends_with(&["now"])
            || has("immediately"))
        && !words
            .iter()
            .any(|w| matches!(*w, "task" | "todo" | "remind" | "reminder" | "add"));
    // "set the thermostat to 21", "lock the front door": a device.
    const DEVICES: &[&str] = &[
        "thermostat",
        "heating",
        "lights",
        "light",
        "door",
        "tv",
        "television",
        "music",
        "volume",
        "fan",
        "ac",
        "aircon",
        "radio",
        "speaker",
        "oven",
        "vacuum",
        "roomba",
        "blinds",
        "gate",
        "alarm",
        "garage",
        "sprinklers",
    ];
    let device_now = matches!(
        first,
        "set" | "lock" | "unlock" | "turn" | "switch" | "dim" | "open" | "close" | "start"
    ) && words.iter().any(|w| DEVICES.contains(w))
        && !p.has_task_details(t, true)
        && !words.iter().any(|w| {
            matches!(
                *w,
                "task"
                    | "todo"
                    | "remind"
                    | "reminder"
                    | "add"
                    | "buy"
                    | "fix"
                    | "repair"
                    | "clean"
            )
        });
    // The weather, the news, an account's balance: facts the assistant has not.
    let facts = words.iter().any(|w| {
        matches!(
            *w,
            "weather"
                | "forecast"
                | "rain"
                | "snow"
                | "temperature"
                | "news"
                | "headlines"
                | "balance"
                | "stock"
                | "stocks"
                | "bitcoin"
                | "score"
        )
    }) && (is_question_word(first)
        || matches!(first, "what's" | "whats" | "will" | "tell" | "lmk"))
        && !words.iter().any(|w| {
            matches!(
                *w,
                "task" | "tasks" | "todo" | "remind" | "reminder" | "add" | "list"
            )
        });
    // "translate 'good morning' into japanese": done here and now, or not at all.
    let compute = matches!(first, "translate" | "calculate" | "convert" | "compute")
        && !p.has_task_details(t, true)
        && !words
            .iter()
            .any(|w| matches!(*w, "task" | "todo" | "remind" | "reminder" | "add"));
    // "write a poem about autumn", "send flowers to my wife", "navigate to
    // the nearest gas station", "lock the car": something an assistant could
    // be asked to do at once, said with no date, priority or tag that would
    // make it a to-do ("write the report by friday" is one).
    const CREATIONS: &[&str] = &[
        "poem", "story", "essay", "song", "haiku", "joke", "speech", "caption", "limerick",
        "cover", "summary", "tweet",
    ];
    const PETS: &[&str] = &[
        "cat", "cats", "dog", "dogs", "pet", "puppy", "kitten", "fish", "bird", "rabbit",
        "hamster", "horse", "chicken", "chickens", "baby",
    ];
    const SENDABLES: &[&str] = &[
        "flowers", "money", "cash", "sms", "whatsapp", "location", "gift",
    ];
    // ("book flights home for the holidays asap!" has a level: a to-do
    // to keep.)
    let leveled = words.iter().any(|w| {
        matches!(
            *w,
            "asap" | "urgent" | "urgently" | "important" | "whenever"
        )
    });
    // A sum of money named by its currency ("send 50 euros", "move 200
    // dollars to savings").
    let sum_said = words.iter().any(|w| {
        matches!(
            *w,
            "euros" | "euro" | "dollars" | "usd" | "eur" | "pounds" | "gbp" | "bucks"
        )
    });
    let digital = !p.has_task_details(t, true)
        && !leveled
        && no_task_words
        && (matches!(first, "write" | "draft" | "compose")
            && words.iter().any(|w| CREATIONS.contains(w))
            || matches!(first, "send" | "share") && words.iter().any(|w| SENDABLES.contains(w))
            || matches!(first, "navigate" | "define" | "whatsapp" | "stream")
            // "reply to Tom saying yes" sends a message; "reply to landlord
            // asap" is a to-do.
            || matches!(first, "reply" | "forward")
                && words.iter().any(|w| matches!(*w, "saying" | "that" | "with" | "yes" | "no"))
            || first == "put"
                && second == "on"
                && words.iter().any(|w| {
                    matches!(
                        *w,
                        "episode" | "netflix" | "music" | "song" | "movie" | "show" | "playlist"
                    )
                })
            || matches!(first, "lock" | "unlock")
                && words
                    .iter()
                    .any(|w| matches!(*w, "car" | "door" | "doors" | "house" | "garage"))
            || first == "make" && has("reservation")
            // "order more printer ink on amazon": bought online, now.
            || matches!(first, "order" | "buy" | "purchase")
                && words.iter().any(|w| {
                    matches!(*w, "amazon" | "online" | "ebay" | "zalando" | "etsy" | "aliexpress")
                })
            || first == "order"
                && words.iter().enumerate().any(|(k, w)| {
                    // "order cat food, 5 kg bag" stocks up the pantry: a
                    // to-do, not a meal delivered now.
                    let for_pets = k > 0 && PETS.contains(&words[k - 1]);
                    *w == "food" && !for_pets
                        || matches!(
                        *w,
                        "pizza"
                            | "pizzas"
                            | "sushi"
                            | "takeout"
                            | "delivery"
                            | "dinner"
                            | "lunch"
                            | "coffee"
                            | "uber"
                            | "taxi"
                            | "cab"
                    )
                })
            || first == "check"
                && words.iter().any(|w| {
                    matches!(
                        *w,
                        "balance" | "weather" | "news" | "score" | "stocks" | "account"
                    )
                })
            || words.iter().any(|w| matches!(*w, "exchange" | "rate")) && words.len() <= 6
            || first == "any" && has("news")
            || matches!(first, "transfer" | "send" | "wire" | "pay") && sum_said
            || matches!(first, "book" | "reserve")
                && !matches!(w(t, 0), "\"" | "“" | "'" | "‘")
                && words.iter().any(|w| {
                    matches!(
                        *w,
                        "table"
                            | "hotel"
                            | "flight"
                            | "flights"
                            | "room"
                            | "taxi"
                            | "cab"
                            | "uber"
                            | "restaurant"
                    )
                })
            || first == "read"
                && words.iter().any(|w| {
                    matches!(
                        *w,
                        "email" | "emails" | "message" | "messages" | "news" | "article" | "texts"
                    )
                })
            || first == "set"
                && words
                    .iter()
                    .any(|w| matches!(*w, "status" | "thermostat" | "volume")));
    // "send an email to my boss that I'm sick today", "message my team on
    // Slack that the meeting moved to 3pm": the message itself, to send.
    let sends_content = (matches!(first, "text" | "email" | "message" | "tell" | "whatsapp")
        || first == "send"
            && words.iter().skip(1).take(3).any(|w| {
                matches!(
                    *w,
                    "email" | "e-mail" | "mail" | "message" | "text" | "sms" | "whatsapp"
                )
            }))
        && no_task_words
        && words.windows(2).skip(1).take(7).any(|p| {
            p[0] == "that"
                && matches!(
                    p[1],
                    "i" | "i'm"
                        | "im"
                        | "i'll"
                        | "we"
                        | "we're"
                        | "the"
                        | "my"
                        | "our"
                        | "he"
                        | "she"
                        | "they"
                        | "it"
                        | "it's"
                )
        });
    // "google the opening hours", "log into netflix and change the
    // password": done on a screen, now ("look up the recipe for the plum
    // cake" is a to-do people write down).
    let looks_up = matches!(first, "google" | "log" | "login")
        && no_task_words
        && !p.has_task_details(t, true);
    // "set the heating to 21 degrees at 6am": a device set to a value, at
    // whatever time.
    let device_value = matches!(first, "set" | "turn" | "put")
        && words.iter().any(|w| DEVICES.contains(w))
        && words.iter().any(|w| {
            matches!(*w, "degrees" | "degree" | "percent") || w.ends_with('°') || w.ends_with('%')
        });
    // "make a bank transfer of 200€ to my landlord now".
    let transfer_now = matches!(first, "make" | "do")
        && words.iter().take(4).any(|w| {
            matches!(
                *w,
                "transfer" | "payment" | "booking" | "reservation" | "purchase"
            )
        })
        && (words.ends_with(&["now"]) || has("immediately"));
    // "when was the Berlin Wall built", "what time does the Apotheke close
    // on Saturday", "what day of the week is 24 December": a fact.
    let when_fact = first == "when"
        && matches!(second, "was" | "were" | "did")
        && !words
            .iter()
            .any(|w| matches!(*w, "i" | "my" | "me" | "task" | "tasks"))
        || words.starts_with(&["what", "time", "does"])
            && words
                .iter()
                .any(|w| matches!(*w, "close" | "open" | "start" | "leave" | "arrive" | "end"))
        || words.starts_with(&["what", "day", "of", "the", "week"])
        // "when does the bakery open tomorrow?".
        || first == "when"
            && second == "does"
            && words
                .iter()
                .any(|w| matches!(*w, "open" | "close" | "start" | "leave" | "arrive" | "end"))
        // "how long do I boil an egg for?", "how do I get rid of fruit
        // flies": how-to questions about the world.
        || (words.starts_with(&["how", "do", "i"])
            || words.starts_with(&["how", "long", "do", "i"])
            || words.starts_with(&["how", "long", "does"])
            || words.starts_with(&["how", "to"]))
            && !words.iter().any(|w| {
                matches!(
                    *w,
                    "task" | "tasks" | "todo" | "remind" | "reminder" | "reminders" | "list" | "app"
                        | "priority" | "tag" | "tags" | "repeat" | "recurring" | "snooze" | "delete"
                        | "add" | "complete" | "rename" | "due" | "password" | "account" | "mode"
                        | "settings" | "theme" | "notifications" | "language" | "sign" | "log"
                        | "export" | "sync" | "you" | "u" | "use"
                )
            })
        // "what's on TV tonight?", "has my amazon package shipped yet?".
        || matches!(first, "what's" | "whats" | "what")
            && words.iter().any(|w| matches!(*w, "tv" | "television" | "radio"))
        || words.iter().any(|w| matches!(*w, "package" | "parcel"))
            && words
                .iter()
                .any(|w| matches!(*w, "shipped" | "arrived" | "delivered" | "tracking"))
        // "remind me what the capital of Peru is": a fact to recall now.
        || words.starts_with(&["remind", "me", "what"])
            && !words.iter().any(|w| matches!(*w, "task" | "tasks" | "due" | "list"))
            && words.iter().any(|w| matches!(*w, "capital" | "name" | "called" | "means"));
    // "send my husband an sms to remind him to pick up the kids": a message
    // that does the asking, sent now.
    let sends_errand = first == "send"
        && words.iter().any(|w| {
            matches!(
                *w,
                "sms" | "text" | "message" | "email" | "e-mail" | "whatsapp"
            )
        })
        && words
            .windows(2)
            .any(|p| p[0] == "to" && matches!(p[1], "remind" | "tell" | "ask" | "say" | "let"));
    // "call the dentist right now and tell them I'm late", "cancel my
    // netflix for me right now": done at once, by the assistant.
    let right_now = (has("right") && words.windows(2).any(|p| p == ["right", "now"])
        || has("immediately"))
        // ("right now, phone my dad": the act may follow the "right now".)
        && (ACT.contains(&first)
            || words.iter().take(5).any(|w| ACT.contains(w))
            || words.windows(2).any(|p| p == ["for", "me"]))
        && no_task_words;
    // "open spotify", "track my DHL package", "show me the photos my
    // grandson sent", "call the ward and tell them I'm sick": apps,
    // deliveries, media and messages, handled now by the assistant.
    let dated = (0..t.len()).any(|i| when::parse_when(t, i, p.clk).is_some());
    let opens_app = matches!(first, "open" | "launch")
        && words.len() <= 3
        && words.iter().skip(1).any(|w| {
            matches!(
                *w,
                "spotify"
                    | "netflix"
                    | "youtube"
                    | "whatsapp"
                    | "instagram"
                    | "maps"
                    | "camera"
                    | "settings"
                    | "calendar"
                    | "gmail"
                    | "facebook"
                    | "tiktok"
                    | "telegram"
            )
        });
    let tracks = first == "track"
        && words
            .iter()
            .any(|w| matches!(*w, "package" | "parcel" | "delivery" | "shipment" | "order"))
        && !dated;
    let shows_media = first == "show"
        && second == "me"
        && words.iter().any(|w| {
            matches!(
                *w,
                "photos" | "pictures" | "pics" | "videos" | "emails" | "messages" | "map" | "news"
            )
        })
        && no_task_words;
    // "reserve a table for 4 at the italian place tonight", "please make
    // for me a cover letter": done now, by the assistant.
    let reserves_now = matches!(first, "reserve" | "book")
        && words.windows(2).any(|p| p == ["a", "table"])
        && words
            .iter()
            .any(|w| matches!(*w, "tonight" | "now" | "today" | "us" | "me"));
    let makes_for_me = matches!(first, "make" | "write" | "draft" | "create" | "compose")
        && second == "for"
        && words.get(2) == Some(&"me")
        && no_task_words
        && !dated;
    // "can u reply to my whatsapp messages": answering for the user.
    let replies = matches!(first, "reply" | "respond" | "answer")
        && words.iter().any(|w| {
            matches!(
                *w,
                "messages" | "message" | "emails" | "email" | "texts" | "whatsapp" | "dms"
            )
        })
        && (has("my") || has("all"))
        && !dated
        && no_task_words;
    let relays = matches!(
        first,
        "call" | "text" | "ring" | "phone" | "email" | "message"
    ) && words
        .windows(3)
        .any(|p| p[0] == "and" && p[1] == "tell" && matches!(p[2], "them" | "him" | "her"))
        && !dated
        && no_task_words
        // "call the pizza place and order a margherita", "ring the dentist
        // and reschedule my appointment": the call and what it is for, made
        // by the assistant.
        || matches!(first, "call" | "ring" | "phone")
            && words.windows(2).any(|p| {
                p[0] == "and" && matches!(p[1], "order" | "reschedule" | "cancel" | "ask" | "book")
            })
            && !dated
            && no_task_words;
    // "text my wife im running late", "reply to Sarah's whatsapp and tell
    // her I'm running late", "send sarah a message now: running 10 min
    // late": word that the user is late goes out now, not onto a list.
    let late = |k: usize| words.get(k) == Some(&"late");
    let says_late = words.iter().take(6).any(|w| {
        matches!(
            *w,
            "text" | "txt" | "message" | "msg" | "whatsapp" | "reply" | "send" | "tell" | "email"
        )
    }) && (words.iter().enumerate().any(|(k, w)| {
        *w == "running" && (late(k + 1) || late(k + 2) || late(k + 3))
            || matches!(*w, "be" | "i'm" | "im") && late(k + 1)
            // ("im stuck at work"; "the stuck drawer" is a chore.)
            || *w == "stuck" && k > 0 && matches!(words[k - 1], "i'm" | "im" | "am")
    }))
        && no_task_words
        // ("tell the boss I'll be late on friday" is for later.)
        && !dated;
    // "search the web for cheap flights", "open spotify and play some
    // jazz", "move 50 euros to my savings account now", "can you do my
    // chemistry worksheet for me?", "help me with my calculus homework":
    // the web, apps, money and homework, now.
    let web_now = matches!(first, "search" | "browse" | "google" | "check")
        && words
            .iter()
            .take(4)
            .any(|w| matches!(*w, "web" | "internet" | "online"))
        && no_task_words
        && !dated;
    let app_now = first == "open"
        && words.get(2) == Some(&"and")
        && matches!(
            second,
            "spotify" | "netflix" | "youtube" | "whatsapp" | "maps" | "instagram" | "gmail"
        )
        && !dated;
    let money_moved = first == "move"
        && words
            .get(1)
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        && sum_said
        && words
            .iter()
            .any(|w| matches!(*w, "account" | "savings" | "now"));
    const HOMEWORK: &[&str] = &[
        "homework",
        "worksheet",
        "assignment",
        "essay",
        "exercises",
        "exam",
        "quiz",
    ];
    let homework = words.iter().any(|w| HOMEWORK.contains(w))
        && (asked && first == "do" && words.windows(2).any(|p| p == ["for", "me"])
            || seq_any(all, &[&["help", "me", "with"]]))
        && no_task_words
        && !dated;
    // "current time in Tokyo?", "what's the difference between affect and
    // effect?", "when the next bus to the airport leaves", "Outside, how
    // cold is it right now?", "tell me the way to the town hall", "cheap
    // flights to Rome, any?": facts of the world.
    let clock_abroad = (has("current") && has("time")
        || words.windows(3).any(|p| p == ["what", "time", "is"]))
        && has("in")
        && no_task_words;
    let app_words = words.iter().any(|w| {
        matches!(
            *w,
            "delete"
                | "done"
                | "task"
                | "tasks"
                | "priority"
                | "tag"
                | "reminder"
                | "snooze"
                | "complete"
                | "urgent"
                | "important"
                | "list"
                | "series"
                | "reopen"
                | "low"
                | "medium"
                | "high"
                | "whenever"
                | "asap"
                | "deleting"
                | "completing"
                | "completed"
                | "deleted"
                | "finished"
                | "archive"
                | "snoozing"
                | "recurring"
                | "repeat"
                | "overdue"
                | "due"
                | "reminders"
        )
    });
    let difference = words.windows(2).any(|p| p == ["difference", "between"]) && !app_words;
    let departs = words.windows(2).any(|p| {
        p[0] == "next"
            && matches!(
                p[1],
                "bus" | "train" | "tram" | "flight" | "ferry" | "u-bahn" | "s-bahn"
            )
    }) && words.iter().any(|w| {
        matches!(
            *w,
            "leaves" | "leave" | "departs" | "goes" | "arrives" | "when"
        )
    }) && no_task_words;
    let how_cold = words.windows(2).any(|p| {
        p[0] == "how"
            && matches!(
                p[1],
                "cold" | "warm" | "hot" | "windy" | "rainy" | "sunny" | "humid" | "icy"
            )
    }) && !dated;
    let the_way = words
        .windows(3)
        .any(|p| matches!(p[0], "me") && p[1] == "the" && p[2] == "way")
        && has("to")
        && no_task_words
        && !dated;
    let fares = words.windows(2).any(|p| {
        matches!(p[0], "cheap" | "cheapest" | "cheaper")
            && matches!(p[1], "flights" | "flight" | "tickets" | "hotels" | "trains")
    }) && no_task_words
        && !dated;
    // "asap call me an uber to the airport", "start a FaceTime with Dad",
    // "put on sum jazz pls": a ride, a call, music, now.
    let ride_call_music = words.windows(4).any(|p| {
        matches!(p[0], "call" | "get" | "order")
            && p[1] == "me"
            && matches!(p[2], "a" | "an")
            && matches!(p[3], "uber" | "taxi" | "cab" | "lyft")
    }) || first == "start"
        && unquoted
            .iter()
            .take(3)
            .any(|w| matches!(*w, "facetime" | "zoom" | "video" | "call"))
        && !dated
        || first == "put"
            && second == "on"
            && words.iter().any(|w| {
                matches!(
                    *w,
                    "jazz" | "podcast" | "radio" | "audiobook" | "tunes" | "playlist"
                )
            })
            && !dated;
    // "can you get a pizza delivered?", "send a car to pick me up", "skip
    // this song", "share … on my linkedin", "how's the dax doing", "how
    // windy is it", "what time does the sun set", "explain this contract to
    // me", "find me a used bike", "the fastest route to work", "what's
    // happening in the world": errands and facts, now.
    let delivered = has("delivered") && matches!(first, "get" | "have" | "order" | "can" | "could")
        || words.windows(2).any(|p| p == ["delivered", "to"]);
    let social = words.iter().any(|w| {
        matches!(
            *w,
            "linkedin" | "facebook" | "instagram" | "twitter" | "tiktok" | "threads" | "mastodon"
        )
    }) && words
        .iter()
        .any(|w| matches!(*w, "share" | "post" | "tweet" | "publish" | "status"))
        && !dated
        && no_task_words;
    let media = matches!(first, "skip" | "pause" | "resume" | "replay" | "shuffle")
        && words
            .iter()
            .any(|w| w.starts_with("son") || matches!(*w, "track" | "song" | "video" | "playlist"));
    // "on venmo, send Lisa 25 dollars": a payment app, used now.
    let pays_by_app = words
        .iter()
        .any(|w| matches!(*w, "venmo" | "paypal" | "revolut" | "zelle" | "cashapp"))
        && words
            .iter()
            .any(|w| matches!(*w, "send" | "pay" | "transfer"))
        && !dated;
    let markets = words.iter().any(|w| {
        matches!(
            *w,
            "dax" | "nasdaq" | "bitcoin" | "stocks" | "stock" | "dow"
        )
    }) && !dated;
    let weather = (first == "how" || first == "what's" || first == "whats")
        && words.iter().any(|w| {
            matches!(
                *w,
                "windy" | "cold" | "warm" | "hot" | "rainy" | "sunny" | "humid" | "foggy"
            )
        })
        || words.iter().any(|w| matches!(*w, "sunset" | "sunrise"))
        || words
            .windows(2)
            .any(|p| p == ["sun", "set"] || p == ["sun", "rise"]);
    let explains = has("explain") && (has("me") || has("this")) && no_task_words && !dated;
    let finds_me = words
        .windows(3)
        .any(|p| p[0] == "find" && p[1] == "me" && p[2] == "a")
        && no_task_words
        && !dated;
    let route = words
        .iter()
        .any(|w| matches!(*w, "route" | "directions" | "commute"))
        && no_task_words
        && !dated;
    let news = words.windows(3).any(|p| p == ["in", "the", "world"])
        || has("results")
            && words
                .iter()
                .any(|w| matches!(*w, "league" | "match" | "game"));
    let ride = words.windows(3).any(|p| p == ["pick", "me", "up"]) && has("car") && !dated;
    let asked_for_me =
        asked && (words.ends_with(&["for", "me"]) || has("unsubscribe")) && no_task_words && !dated;
    // "when is Easter next year?", "is the U2 running on time?", "what are
    // the lottery numbers", "is the pharmacy open on sundays?", "preheat
    // the oven", "pay my bill now from my bank account".
    let when_is = matches!(first, "when" | "when's")
        && matches!(second, "is" | "does" | "")
        && no_task_words
        && !has("my")
        && !has("i");
    let transit = (words.windows(3).any(|p| p == ["running", "on", "time"]) || has("delayed"))
        && no_task_words
        && !dated
        && !has("note");
    let lottery = has("lottery") || has("lotto");
    let opening_hours = first == "is" && has("open") && no_task_words && !has("my");
    let preheats = first == "preheat";
    let banks = words.windows(2).any(|p| p == ["bank", "account"])
        && words
            .iter()
            .any(|w| matches!(*w, "pay" | "transfer" | "send"))
        && (has("now") || has("from"));
    // "put my phone on do not disturb until 8pm".
    let disturb = has("disturb") && no_task_words;
    let world = asks_world
        || pays_by_app
        || disturb
        || when_is
        || transit
        || lottery
        || opening_hours
        || preheats
        || banks
        || delivered
        || social
        || media
        || markets
        || weather
        || explains
        || finds_me
        || route
        || news
        || ride
        || asked_for_me
        || replies
        || reserves_now
        || makes_for_me
        || opens_app
        || tracks
        || shows_media
        || relays
        || says_late
        || ride_call_music
        || web_now
        || app_now
        || clock_abroad
        || difference
        || departs
        || how_cold
        || the_way
        || fares
        || money_moved
        || homework
        || sends_errand
        || right_now
        || sends_content
        || looks_up
        || device_value
        || transfer_now
        || when_fact
        || digital
        || strong_act
        || pays
        || fact
        || compute
        || by_assistant
        || device_now
        || facts
        || acts_now
        || first == "lmk"
        || matches!(first, "what's" | "whats" | "what")
            && matches!(second, "the" | "is")
            && matches!(
                words.get(2).copied().unwrap_or(""),
                "the"
                    | "weather"
                    | "temperature"
                    | "time"
                    | "news"
                    | "score"
                    | "price"
                    | "rate"
                    | "euro"
                    | "dollar"
                    | "capital"
            )
            && !words.iter().any(|w| TASK_WORDS.contains(w))
        || matches!(first, "what's" | "whats")
            && second == "the"
            && !words
                .iter()
                .any(|w| TASK_WORDS.contains(w) || w.starts_with('#'));
    // "read me what's due today" asks about the list.
    let reads = first == "read" && second == "me" && !asks_my_list;
    let summarize = matches!(first, "summarize" | "summarise");
    // "cancel my netflix subscription for me pls": done by the assistant, now.
    let done_for_me = words.windows(2).any(|p| p == ["for", "me"])
        && words
            .iter()
            .rev()
            .take(3)
            .any(|w| matches!(*w, "me" | "pls" | "please" | "plz"))
        && matches!(
            first,
            "cancel"
                | "reply"
                | "forward"
                | "answer"
                | "respond"
                | "pay"
                | "send"
                | "email"
                | "call"
                | "ring"
                | "renew"
                | "transfer"
                | "sign"
                | "fill"
                | "submit"
                | "file"
                | "unsubscribe"
                | "subscribe"
                | "check"
        )
        && !p.has_task_details(t, true);
    // "look up the opening hours of IKEA online", "google flights to Rome".
    let web = (seq_any(t, &[&["look", "up"], &["search", "for"], &["find", "out"]])
        && words
            .iter()
            .any(|w| matches!(*w, "online" | "internet" | "web" | "google")))
        || first == "google" && !p.has_task_details(t, true);
    // "how do you say 'deadline' in Spanish?": a translation.
    let translate = seq_any(
        t,
        &[
            &["how", "do", "you", "say"],
            &["how", "would", "you", "say"],
        ],
    ) || seq_any(t, &[&["what", "is"], &["what's"]])
        && words.iter().any(|w| {
            matches!(
                *w,
                "spanish"
                    | "french"
                    | "german"
                    | "italian"
                    | "japanese"
                    | "chinese"
                    | "portuguese"
                    | "dutch"
            )
        });
    // "is my train to Köln delayed?", "is the A7 jammed": live status.
    let status = matches!(first, "is" | "are" | "was")
        && words.iter().any(|w| {
            matches!(
                *w,
                "delayed" | "cancelled" | "canceled" | "on-time" | "jammed" | "congested"
            )
        });
    // "book a hotel in paris for the weekend": a booking for the assistant
    // to make, whatever the date ("book the electrician for monday" is a
    // to-do: a tradesperson, named).
    // "book a table for 4 at Da Mario by wednesday" has a deadline: a
    // to-do for the user.
    let deadline = (1..t.len()).any(|i| {
        matches!(t[i - 1].low.as_str(), "by" | "before" | "until")
            && when::parse_when(t, i, p.clk).is_some()
    });
    let booking = first == "book"
        && matches!(second, "a" | "an" | "me" | "us")
        && !deadline
        && !leveled
        && words.iter().any(|w| {
            matches!(
                *w,
                "hotel"
                    | "flight"
                    | "flights"
                    | "table"
                    | "room"
                    | "restaurant"
                    | "airbnb"
                    | "hostel"
            )
        });
    // "order an uber to the office for 9am": a ride, called by someone else.
    let ride = matches!(first, "order" | "call" | "get" | "book")
        && words
            .iter()
            .take(4)
            .any(|w| matches!(*w, "uber" | "lyft" | "taxi" | "cab" | "bolt"));
    // "could you let me know what's left to do this week?": about the list.
    if asks_my_list && !asks_world {
        return None;
    }
    if for_me
        || device
        || now
        || message
        || directions
        || order_food
        || world
        || reads
        || summarize
        || done_for_me
        || web
        || translate
        || status
        || ride
        || booking
        || writes
    {
        return Some(refuse(reason));
    }
    None
}

/// "yes", "sure, go ahead", "no, keep it": a yes or no and nothing else.
pub(super) fn confirmation(whole: &str) -> Option<bool> {
    if YES.contains(&whole) {
        return Some(true);
    }
    if NO.contains(&whole) {
        return Some(false);
    }
    const YES_WORDS: &[&str] = &[
        "sounds",
        "good",
        "great",
        "perfect",
        "alright",
        "ja",
        "genau",
        "si",
        "sí",
        "oui",
        "yes",
        "yeah",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "go",
        "ahead",
        "do",
        "it",
        "please",
        "confirm",
        "absolutely",
        "delete",
        "correct",
        "fine",
        "that's",
        "right",
        "definitely",
        "i'm",
        "sure",
        "proceed",
        "mhm",
        "mhmm",
        "exactly",
        "tak",
        "da",
        // "ok that works", "okay, works for me".
        "that",
        "works",
        "for",
        "me",
    ];
    const NO_WORDS: &[&str] = &[
        "no", "nope", "nah", "cancel", "don't", "do", "not", "keep", "it", "never", "mind",
        "thanks", "wait", "stop", "forget", "abort", "please", "leave",
    ];
    // ("no!!", "yes?": the marks only stress the word.)
    let mut words: Vec<&str> = whole
        .split(' ')
        .map(|w| w.trim_end_matches(['!', '?']))
        .filter(|w| !w.is_empty())
        .collect();
    // "on second thought no, leave it", "actually yes": the answer after
    // the words that only say it was thought over.
    for lead in [
        &["hmm"][..],
        &["hm"],
        &["um"],
        &["on", "second", "thought"],
        &["on", "second", "thoughts"],
        &["actually"],
    ] {
        if words.len() > lead.len() && words[..lead.len()] == *lead {
            words.drain(..lead.len());
        }
    }
    let first = *words.first()?;
    if matches!(
        first,
        "yes"
            | "yeah"
            | "yep"
            | "yup"
            | "sure"
            | "ok"
            | "okay"
            | "confirm"
            | "absolutely"
            | "definitely"
            | "sounds"
            | "ja"
            | "si"
            | "sí"
            | "oui"
            | "alright"
            | "perfect"
    ) && words.iter().all(|w| YES_WORDS.contains(w))
    {
        return Some(true);
    }
    // "that's correct yes", "mhm yes": a plain yes, wherever it is said.
    if words.len() > 1
        && words.iter().all(|w| YES_WORDS.contains(w))
        && words.iter().any(|w| {
            matches!(
                *w,
                "yes"
                    | "yeah"
                    | "yep"
                    | "yup"
                    | "correct"
                    | "absolutely"
                    | "definitely"
                    | "confirm"
            )
        })
    {
        return Some(true);
    }
    if matches!(
        first,
        "no" | "nope" | "nah" | "cancel" | "don't" | "never" | "abort"
    ) && words.iter().all(|w| NO_WORDS.contains(w))
    {
        return Some(false);
    }
    // "wrong one, no!!", "Please cancel, I want to keep it", "I am against
    // it, please do not do this", "kids still need it, DONT delete, no",
    // "y, quick", "right, thats it": an answer with words about the
    // action, its reason or haste, wherever the yes or no is said.
    const ABOUT: &[&str] = &[
        "wrong",
        "one",
        "ugh",
        "against",
        "i",
        "am",
        "i'm",
        "this",
        "want",
        "to",
        "keep",
        "it",
        "leave",
        "how",
        "was",
        "is",
        "better",
        "you",
        "think",
        "still",
        "need",
        "needs",
        "delete",
        "remove",
        "do",
        "not",
        "please",
        "pls",
        "cancel",
        "that",
        "thats",
        "that's",
        "right",
        "quick",
        "fast",
        "go",
        "on",
        "ahead",
        "the",
        "way",
        "stop",
        "wait",
        "kids",
        "we",
        "as",
        "actually",
        "oh",
        "so",
        "just",
        "really",
        "mean",
        "meant",
        "sure",
        "ok",
        "okay",
        "fine",
        "perfect",
        "correct",
        "exactly",
        "definitely",
        "absolutely",
        "of",
        "course",
    ];
    let hard_no = words.iter().any(|w| {
        matches!(
            *w,
            "no" | "nope" | "nah" | "don't" | "dont" | "cancel" | "against" | "not"
        )
    });
    let hard_yes = words
        .iter()
        .any(|w| matches!(*w, "yes" | "y" | "yeah" | "yep" | "yup" | "ya"))
        || seq_words(&words, &["that's", "it"])
        || seq_words(&words, &["thats", "it"]);
    let about = |w: &&str| {
        ABOUT.contains(w)
            || YES_WORDS.contains(w)
            || NO_WORDS.contains(w)
            || matches!(*w, "y" | "ya")
    };
    if hard_no != hard_yes && words.len() >= 2 && words.iter().all(about) {
        return Some(hard_yes);
    }
    None
}

fn seq_words(words: &[&str], p: &[&str]) -> bool {
    words.windows(p.len()).any(|x| x == p)
}

/// A short command in German, Spanish, French or Portuguese said in the
/// assistant's English, word by word ("verschieb das auf samstag" → "move
/// it to saturday", "muéstrame mis tareas pendientes" → "show me my
/// pending tasks"), or `None` when a word is not in the glossary. Only the
/// vocabulary of commands on tasks is covered; anything else stays foreign.
pub(super) fn in_english(t: &[Tok]) -> Option<String> {
    const PHRASES: &[(&[&str], &str)] = &[
        (&["prioridad", "alta"], "high priority"),
        (&["alta", "prioridad"], "high priority"),
        (&["prioridad", "baja"], "low priority"),
        (&["hohe", "priorität"], "high priority"),
        (&["wieder", "öffnen"], "reopen"),
        (&["já", "fiz"], "done"),
        (&["pode", "marcar", "como", "feito"], "mark it as done"),
        (&["marcar", "como", "feito"], "mark it as done"),
        (&["marque", "como", "feito"], "mark it as done"),
        (&["para", "el"], "to"),
        (&["auf", "den"], "to"),
    ];
    const WORDS: &[(&str, &str)] = &[
        ("erledigt", "done"),
        ("fertig", "done"),
        ("zeig", "show"),
        ("zeige", "show"),
        ("mir", "me"),
        ("meine", "my"),
        ("aufgaben", "tasks"),
        ("für", "for"),
        ("heute", "today"),
        ("morgen", "tomorrow"),
        ("dringend", "urgent"),
        ("mach", "make"),
        ("das", "it"),
        ("es", "it"),
        ("bitte", "please"),
        ("verschieb", "move"),
        ("verschiebe", "move"),
        ("auf", "to"),
        ("lösch", "delete"),
        ("lösche", "delete"),
        ("montag", "monday"),
        ("dienstag", "tuesday"),
        ("mittwoch", "wednesday"),
        ("donnerstag", "thursday"),
        ("freitag", "friday"),
        ("samstag", "saturday"),
        ("sonntag", "sunday"),
        ("hecho", "done"),
        ("listo", "done"),
        ("muéstrame", "show me"),
        ("mis", "my"),
        ("tareas", "tasks"),
        ("pendientes", "pending"),
        ("hoy", "today"),
        ("mañana", "tomorrow"),
        ("ponle", "make it"),
        ("urgente", "urgent"),
        ("pospónlo", "postpone it"),
        ("bórralo", "delete it"),
        ("lunes", "monday"),
        ("martes", "tuesday"),
        ("miércoles", "wednesday"),
        ("jueves", "thursday"),
        ("viernes", "friday"),
        ("sábado", "saturday"),
        ("domingo", "sunday"),
        ("montre-moi", "show me"),
        ("mes", "my"),
        ("tâches", "tasks"),
        ("de", "for"),
        ("demain", "tomorrow"),
        ("aujourd'hui", "today"),
        ("fait", "done"),
        ("fini", "done"),
        ("terminé", "done"),
        ("supprime", "delete"),
        ("feito", "done"),
        ("pronto", "done"),
        ("hoje", "today"),
        ("amanhã", "tomorrow"),
    ];
    let words: Vec<&str> = t
        .iter()
        .map(|x| x.low.as_str())
        .filter(|x| !text::is_punct(x) && *x != "✅")
        .collect();
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if let Some((p, en)) = PHRASES.iter().find(|(p, _)| words[i..].starts_with(p)) {
            out.push(en);
            i += p.len();
            continue;
        }
        let (_, en) = WORDS.iter().find(|(w, _)| *w == words[i])?;
        out.push(en);
        i += 1;
    }
    Some(out.join(" "))
}

/// A goodbye and why, asking nothing: "thanks!! gotta run, pickup", "ok thx
/// bye, school run", "nvm forget it, kid needs me". (A short reason with no
/// date, level or tag: "bye! call mum at 6" is a to-do all the same.)
pub(super) fn leaves_now(all: &[Tok], p: &Parser) -> bool {
    const LEAVING: &[&[&str]] = &[
        &["bye"],
        &["byee"],
        &["ttyl"],
        &["gtg"],
        &["g2g"],
        &["nvm"],
        &["gotta", "run"],
        &["gotta", "go"],
        &["got", "to", "go"],
        &["must", "run"],
        &["have", "to", "run"],
        &["never", "mind"],
        &["forget", "it"],
    ];
    const AROUND: &[&str] = &[
        "ok", "okay", "k", "thanks", "thank", "you", "thx", "ty", "cheers", "great", "cool",
        "perfect", "well", "anyway", "right", "alright", "sorry", "oh", "oops",
    ];
    let words: Vec<&str> = all
        .iter()
        .filter(|x| !text::is_punct(&x.low) && !x.low.chars().all(|c| c == '!'))
        .map(|x| x.low.as_str())
        .collect();
    let (mut k, mut left) = (0, false);
    while k < words.len() {
        if let Some(l) = LEAVING.iter().find(|l| words[k..].starts_with(l)) {
            k += l.len();
            left = true;
        } else if AROUND.contains(&words[k]) {
            k += 1;
        } else {
            break;
        }
    }
    let reason = &words[k..];
    // ("nvm, delete that", "never mind, buy milk": the request that
    // replaces the one dropped.)
    let command = reason.first().is_some_and(|w| {
        text::is_chore_verb(w)
            || matches!(
                *w,
                "delete"
                    | "remove"
                    | "move"
                    | "rename"
                    | "show"
                    | "list"
                    | "undo"
                    | "snooze"
                    | "complete"
                    | "tick"
                    | "make"
                    | "set"
                    | "put"
                    | "change"
                    | "push"
            )
    });
    let asks = command
        || reason.iter().any(|w| {
            matches!(
                *w,
                "remind"
                    | "remember"
                    | "add"
                    | "task"
                    | "todo"
                    | "need"
                    | "must"
                    | "please"
                    | "pls"
            )
        });
    // ("ok bye!! bus is here": marks after a goodbye are not a level.)
    let said: Vec<Tok> = all
        .iter()
        .filter(|x| !x.low.chars().all(|c| c == '!'))
        .cloned()
        .collect();
    left && reason.len() <= 4 && !asks && !p.has_task_details(&said, true)
}
