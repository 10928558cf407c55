"""Running the assistant: model cache, process launchers, local chat, benchmark, evaluation."""
