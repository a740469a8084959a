"""Name, street and city tables of the demo district's generator (SPEC section 9): plain data
that the Campus generator and the HR export draw from (tables of data, no rules)."""

from __future__ import annotations

LAST = (
    "Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson "
    "Taylor Thomas Hernandez Moore Martin Jackson Thompson White Lopez Lee Gonzalez Harris Clark "
    "Lewis Robinson Walker Perez Hall Young Allen Sanchez Wright King Scott Green Baker Adams "
    "Nelson Hill Ramirez Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker "
    "Collins Edwards Stewart Flores Morris Nguyen Murphy Rivera Cook Rogers Morgan Peterson "
    "Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks "
    "Bennett Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell "
    "Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman "
    "Simmons Patterson Jordan Reynolds Hamilton Graham Kim Gonzales Alexander Ramos Wallace "
    "Griffin West Cole Hayes Chavez Gibson Bryant Ellis Stevens Murray Ford Marshall Owens "
    "McDonald Harrison Ruiz Kennedy Wells Alvarez Woods Mendoza Castillo Olson Webb Washington "
    "Tucker Freeman Burns Henry Vasquez Snyder Simpson Crawford Jimenez Porter Mason Shaw Gordon "
    "Wagner Hunter Romero Hicks Dixon Hunt Palmer Robertson Black Holmes Stone Meyer Boyd Mills "
    "Warren Fox Rose Rice Moreno Schmidt Patel Ferguson Nichols Herrera Medina Ryan Fernandez "
    "Weaver Daniels Stephens Gardner Payne Kelley Dunn Pierce Arnold Tran Spencer Peters Hawkins "
    "Grant Hansen Castro Hoffman Hart Elliott Cunningham Knight Bradley Sawatzky Doughty Billham "
    "Pye Dallas Fessey Hurley Vovchenko Gagnon Doyamo Beuning Bonquet Saunders Postma Lind"
).split()
FIRST_F = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie "
    "Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole "
    "Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria Catherine Heather Diane "
    "Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn Judith Andrea "
    "Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice Ann Kathryn Abigail "
    "Sophia Frances Jean Alice Judy Isabella Julia Grace Amber Denise Danielle Marilyn Beverly "
    "Charlotte Natalie Theresa Diana Brittany Doris Kayla Alexis Lori Marie Allison Alma Ariadne "
    "Amatis Marissa Nadia Megan Lynnette Alicia Linda Lanita Elaine Cathy Margie June"
).split()
FIRST_M = (
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel "
    "Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter "
    "Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan "
    "Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy Vincent "
    "Mason Roy Ralph Bobby Russell Bradley Philip Eugene Allan Cole Mesay Tom Pat"
).split()
STREETS = (
    "LEXINGTON OAK MAPLE CEDAR PINE ELM WALNUT HICKORY CHESTNUT SPRUCE WILLOW BIRCH ASH "
    "MADISON JEFFERSON WASHINGTON LINCOLN JACKSON MONROE ADAMS HIGH MAIN MARKET CHURCH SCHOOL "
    "PARK LAKE RIVER HILLCREST RIDGE MEADOW FOREST SUNSET VALLEY SPRING PRAIRIE CAPITOL "
    "BROADWAY ELLIS STADIUM BOONVILLE MISSOURI MCCARTY DUNKLIN ATCHISON CLARK ASHLEY EDGEWOOD"
).split()
TAGS = ("AVE", "ST", "DR", "LN", "RD", "CT", "BLVD", "PL", "CIR", "TER", "WAY", "PKWY")
TAG_WORDS = {
    "AVE": "Avenue",
    "ST": "Street",
    "DR": "Drive",
    "LN": "Lane",
    "RD": "Road",
    "CT": "Court",
    "BLVD": "Boulevard",
    "PL": "Place",
    "CIR": "Circle",
    "TER": "Terrace",
    "WAY": "Way",
    "PKWY": "Parkway",
}
DIR_WORDS = {
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "NE": "Northeast",
    "NW": "Northwest",
    "SE": "Southeast",
    "SW": "Southwest",
}
ORDINAL_WORDS = {
    "1ST": "First",
    "2ND": "Second",
    "3RD": "Third",
    "4TH": "Fourth",
    "5TH": "Fifth",
    "6TH": "Sixth",
    "7TH": "Seventh",
    "8TH": "Eighth",
    "9TH": "Ninth",
    "10TH": "Tenth",
    "11TH": "Eleventh",
    "12TH": "Twelfth",
}
CITIES = (
    ("JEFFERSON CITY", "65101", "Cole"),
    ("JEFFERSON CITY", "65109", "Cole"),
    ("HOLTS SUMMIT", "65043", "Callaway"),
    ("TAOS", "65101", "Cole"),
    ("RUSSELLVILLE", "65074", "Cole"),
    ("WARDSVILLE", "65101", "Cole"),
    ("LOHMAN", "65053", "Cole"),
    ("CENTERTOWN", "65023", "Cole"),
)
