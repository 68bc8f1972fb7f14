"""The shapes of POST /suggestions: what is asked and what is answered (also a case's `suggestion`)."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from app.apidoc import OpenSchema
from app.fields import NON_BLANK, Str


class SuggestionAskSchema(OpenSchema):
    class Meta:
        unknown = EXCLUDE

    text = Str(required=True, validate=[validate.Length(min=1, max=10_000), NON_BLANK],
               metadata={"description": "the report as told (the case's description)"})
    address = Str(allow_none=True, validate=validate.Length(max=256))


class ScoredCategorySchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True)


class PlaceRefSchema(OpenSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class LandmarkSchema(PlaceRefSchema):
    kind = fields.String(required=True, metadata={"description": "market, scenic, park, campus or landmark"})
    team = fields.String(allow_none=True, metadata={"description": "the specialised team that serves the place"})


class SuggestionSchema(OpenSchema):
    is_police_matter = fields.Boolean(required=True)
    police_probability = fields.Float(required=True, validate=validate.Range(0, 1))
    flagged = fields.Boolean(required=True, metadata={"description": "unsure: a person must decide"})
    categories = fields.List(fields.Nested(ScoredCategorySchema), required=True,
                             metadata={"description": "leaf categories, best first (at least 3)"})
    township = fields.Nested(PlaceRefSchema, allow_none=True, required=True)
    township_candidates = fields.List(fields.Nested(PlaceRefSchema), metadata={
        "description": "when the words name places of several townships: each of them (township is null then)"})
    place = fields.Nested(LandmarkSchema, allow_none=True, metadata={"description": "a well-known place named"})
    evidence = fields.List(fields.String(), required=True, metadata={"description": "the words that decided"})
    model_version = fields.String()
