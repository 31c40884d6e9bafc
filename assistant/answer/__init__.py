"""Answer composition: extractive answers, tool answers, citation markers."""
