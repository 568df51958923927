"""The model edge: the OpenAI-compatible client, what the model is asked, chunks, grounding, prompts, the response cache."""
