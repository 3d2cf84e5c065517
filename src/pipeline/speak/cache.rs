//! Speech already made, by sentence. The interviewer says the same sentences again and
//! again (acknowledgements, the questions of a plan, their follow-up hints), and in a live
//! call the first sentence of a reply is what the candidate waits for: a hit makes it free.
//! Least recently used entries go first once the audio held passes the budget.

use std::collections::HashMap;
use std::sync::Arc;

use crate::pipeline::messages::SpeechAudio;

pub struct SentenceCache {
    entries: HashMap<String, (Arc<SpeechAudio>, u64)>,
    tick: u64,
    bytes: usize,
    budget: usize,
}

impl SentenceCache {
    /// A cache that holds at most `budget` bytes of audio.
    pub fn new(budget: usize) -> Self {
        Self {
            entries: HashMap::new(),
            tick: 0,
            bytes: 0,
            budget,
        }
    }

    pub fn get(&mut self, text: &str) -> Option<Arc<SpeechAudio>> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(text).map(|(audio, used)| {
            *used = tick;
            audio.clone()
        })
    }

    pub fn contains(&self, text: &str) -> bool {
        self.entries.contains_key(text)
    }

    pub fn put(&mut self, audio: SpeechAudio) {
        let size = size_of(&audio);
        if size > self.budget {
            return;
        }
        self.tick += 1;
        if let Some((old, _)) = self
            .entries
            .insert(audio.text.clone(), (Arc::new(audio), self.tick))
        {
            self.bytes -= size_of(&old);
        }
        self.bytes += size;
        while self.bytes > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((gone, _)) = self.entries.remove(&oldest) {
                self.bytes -= size_of(&gone);
            }
        }
    }
}

fn size_of(audio: &SpeechAudio) -> usize {
    audio.pcm.len() * std::mem::size_of::<f32>() + audio.text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::messages::VoiceName;

    fn audio(text: &str, samples: usize) -> SpeechAudio {
        SpeechAudio {
            text: text.into(),
            pcm: vec![0.1; samples],
            sample_rate: 22_050,
            phonemes: Vec::new(),
            voice: VoiceName::Piper,
        }
    }

    #[test]
    fn a_sentence_said_before_comes_back_whole() {
        let mut c = SentenceCache::new(1 << 20);
        assert!(c.get("Thank you.").is_none());
        c.put(audio("Thank you.", 100));
        let hit = c.get("Thank you.").expect("cached");
        assert_eq!((hit.text.as_str(), hit.pcm.len()), ("Thank you.", 100));
    }

    #[test]
    fn the_least_recently_used_goes_first_when_over_budget() {
        // Room for two entries of 100 samples and their text.
        let mut c = SentenceCache::new(2 * (400 + 2));
        c.put(audio("aa", 100));
        c.put(audio("bb", 100));
        assert!(c.get("aa").is_some()); // "bb" is now the oldest use
        c.put(audio("cc", 100));
        assert!(c.contains("aa") && c.contains("cc") && !c.contains("bb"));
        assert_eq!(c.entries.len(), 2);
    }

    #[test]
    fn audio_larger_than_the_budget_is_not_kept_and_replacing_keeps_the_count() {
        let mut c = SentenceCache::new(1000);
        c.put(audio("long", 1000));
        assert!(c.entries.is_empty());
        c.put(audio("aa", 10));
        c.put(audio("aa", 20));
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.bytes, 20 * 4 + 2);
    }
}
