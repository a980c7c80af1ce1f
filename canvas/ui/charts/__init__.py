"""Plotly figures, pure (data in, figure out): ``relationships`` for the Relationships page's
overview charts, ``metrics`` for the metrics page. User text reaches Plotly escaped (``plain``)."""
