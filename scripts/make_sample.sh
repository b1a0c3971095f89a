#!/usr/bin/env bash
# Re-creates livetranslate/testing/data/sample_zh.wav (the bundled demo sample) from its script.
# Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox). The committed WAV is what ships;
# this script only documents how it was made.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/livetranslate/testing/data/sample_zh.wav"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
i=0
for text in "大家好，欢迎来到今天的发布会。" "我们将介绍最新的人工智能翻译技术。" "谢谢大家的聆听。"; do
  i=$((i + 1))
  espeak-ng -v cmn -s 210 -w "s$i.wav" "$text"
  sox "s$i.wav" -r 16000 -c 1 -b 16 "r$i.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse norm -3
done
sox -n -r 16000 -c 1 -b 16 sil.wav trim 0 1.3
sox -n -r 16000 -c 1 -b 16 lead.wav trim 0 0.4
sox lead.wav r1.wav sil.wav r2.wav sil.wav r3.wav lead.wav "$out"
soxi "$out"
