"""Identification of non-police matters: a suggestion for every report — police or not, the category leaf,
the township and the words that decided — from keyword rules a designer edits, a gazetteer of townships,
communities, villages and landmarks, and a statistical model trained on the labelled reports shipped here."""
