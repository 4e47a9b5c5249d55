"""The page and table pipeline every reader shares: blocks in reading order (`raw`, `blocks`), positioned pages made
into blocks and stitched (`page`, `cut_rows`, `grid`), sections and title found (`layout`, `normalize`), table rows
laid onto the template (`tables`, `placement`), and the report model assembled (`assemble`)."""
