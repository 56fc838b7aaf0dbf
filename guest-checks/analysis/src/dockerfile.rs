//! Dockerfile instructions, with line numbers, continuation lines and
//! build stages.

/// One instruction.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-case keyword (`FROM`, `RUN`, `USER`…).
    pub keyword: String,
    /// Its arguments, continuation lines joined.
    pub args: String,
    /// 1-based line of the keyword.
    pub line: u32,
}

impl Instruction {
    /// The words of an exec-form (`["node", "x.js"]`) or shell-form argument.
    pub fn exec_words(&self) -> Vec<String> {
        let args = self.args.trim();
        if args.starts_with('[')
            && let Ok(words) = serde_json::from_str::<Vec<String>>(args)
        {
            return words;
        }
        args.split_whitespace().map(str::to_owned).collect()
    }
}

/// One build stage: a `FROM` and what follows it.
#[derive(Debug, Clone)]
pub struct Stage {
    /// The base image as written (`node:20-alpine`, `builder`).
    pub image: String,
    /// Its `AS` name.
    pub name: Option<String>,
    /// 1-based line of its `FROM`.
    pub line: u32,
    /// Its instructions after `FROM`.
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// The last instruction with `keyword`.
    pub fn last(&self, keyword: &str) -> Option<&Instruction> {
        self.instructions
            .iter()
            .rev()
            .find(|i| i.keyword == keyword)
    }
    /// Every instruction with `keyword`.
    pub fn all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Instruction> + 'a {
        self.instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    /// Instructions before the first `FROM` (`ARG`).
    pub preamble: Vec<Instruction>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// The stage the image is built from (the last one).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }
    /// Every instruction of every stage with `keyword`.
    pub fn all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Instruction> + 'a {
        self.stages.iter().flat_map(move |s| s.all(keyword))
    }
}

/// Parses a Dockerfile; comments and blank lines are skipped, `\`
/// continuations joined. Never fails.
pub fn parse(text: &str) -> Dockerfile {
    let mut dockerfile = Dockerfile::default();
    let mut pending: Option<Instruction> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && pending.is_none()) {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        match pending.as_mut() {
            Some(instruction) => {
                instruction.args.push(' ');
                instruction.args.push_str(body.trim());
            }
            None => {
                let (keyword, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
                pending = Some(Instruction {
                    keyword: keyword.to_ascii_uppercase(),
                    args: args.trim().to_owned(),
                    line: line_no,
                });
            }
        }
        if !continues && let Some(instruction) = pending.take() {
            push(&mut dockerfile, instruction);
        }
    }
    if let Some(instruction) = pending {
        push(&mut dockerfile, instruction);
    }
    dockerfile
}

fn push(dockerfile: &mut Dockerfile, instruction: Instruction) {
    if instruction.keyword == "FROM" {
        let words: Vec<&str> = instruction
            .args
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let name = match words.as_slice() {
            [_, as_word, name, ..] if as_word.eq_ignore_ascii_case("as") => {
                Some((*name).to_owned())
            }
            _ => None,
        };
        dockerfile.stages.push(Stage {
            image: words.first().copied().unwrap_or_default().to_owned(),
            name,
            line: instruction.line,
            instructions: Vec::new(),
        });
    } else if let Some(stage) = dockerfile.stages.last_mut() {
        stage.instructions.push(instruction);
    } else {
        dockerfile.preamble.push(instruction);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stages_and_continuations_are_read() {
        let file = super::parse(
            "ARG NODE=20\nFROM node:20 AS build\nRUN npm ci \\\n  && npm run build\n# USER root\n\
             FROM --platform=linux/amd64 node:20-alpine\nUSER node\nCMD [\"node\", \"dist/main.js\"]\n",
        );
        assert_eq!(file.preamble.len(), 1);
        assert_eq!(file.stages.len(), 2);
        assert_eq!(file.stages[0].name.as_deref(), Some("build"));
        assert_eq!(
            file.stages[0].instructions[0].args,
            "npm ci && npm run build"
        );
        let last = file.final_stage().expect("final");
        assert_eq!(last.image, "node:20-alpine");
        assert_eq!(last.last("USER").map(|u| u.line), Some(7));
        assert_eq!(
            last.last("CMD").expect("cmd").exec_words(),
            ["node", "dist/main.js"]
        );
    }
}
