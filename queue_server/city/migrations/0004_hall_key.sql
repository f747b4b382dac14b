-- Which hall database ships under a hall id: a random key the hall keeps (hall_state
-- city_hall_key). A second database shipping under the same id (a hall_id copied from another
-- hall's config) is refused instead of mixing two halls' events.
ALTER TABLE halls ADD COLUMN hall_key text;
