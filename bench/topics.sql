-- The topics of bench teacher number i: 2 to 4 school subjects from a vocabulary of ~150, plus one
-- made-up topic of its own, so the trigram index holds many distinct keys. Shared by bench/search/seed.sql
-- (rows straight into profiles) and bench/seed.sql (the same profiles through POST /profiles).
CREATE TEMP TABLE vocabulary (n int PRIMARY KEY, topic text NOT NULL);
INSERT INTO vocabulary (n, topic)
SELECT row_number() OVER () - 1, topic FROM unnest(ARRAY[
  'Calculus', 'Algebra', 'Linear Algebra', 'Geometry', 'Trigonometry', 'Statistics', 'Probability',
  'Discrete Mathematics', 'Number Theory', 'Differential Equations', 'Real Analysis', 'Topology',
  'Physics', 'Quantum Mechanics', 'Thermodynamics', 'Electromagnetism', 'Astronomy', 'Astrophysics',
  'Chemistry', 'Organic Chemistry', 'Biochemistry', 'Biology', 'Genetics', 'Microbiology', 'Ecology',
  'Anatomy', 'Physiology', 'Neuroscience', 'Psychology', 'Sociology', 'Anthropology', 'Philosophy',
  'Ethics', 'Logic', 'Economics', 'Microeconomics', 'Macroeconomics', 'Accounting', 'Finance',
  'Marketing', 'Management', 'Entrepreneurship', 'Law', 'Political Science', 'History',
  'World History', 'Art History', 'Geography', 'Geology', 'Environmental Science', 'English',
  'English Literature', 'Creative Writing', 'Grammar', 'Public Speaking', 'French', 'Spanish',
  'German', 'Italian', 'Portuguese', 'Russian', 'Mandarin', 'Cantonese', 'Japanese', 'Korean',
  'Hindi', 'Sanskrit', 'Tamil', 'Arabic', 'Hebrew', 'Latin', 'Greek', 'Python', 'Java', 'JavaScript',
  'TypeScript', 'C', 'C++', 'C#', 'Go', 'Rust', 'Kotlin', 'Swift', 'Ruby', 'PHP', 'SQL', 'R',
  'Data Science', 'Machine Learning', 'Deep Learning', 'Artificial Intelligence', 'Computer Vision',
  'Natural Language Processing', 'Algorithms', 'Data Structures', 'Operating Systems',
  'Computer Networks', 'Databases', 'Web Development', 'Android Development', 'iOS Development',
  'Cloud Computing', 'DevOps', 'Cybersecurity', 'Cryptography', 'Blockchain', 'Game Development',
  'Graphic Design', 'UX Design', 'Photography', 'Video Editing', 'Drawing', 'Painting', 'Sculpture',
  'Piano', 'Guitar', 'Violin', 'Singing', 'Music Theory', 'Drums', 'Flute', 'Carnatic Music',
  'Hindustani Music', 'Dance', 'Ballet', 'Yoga', 'Meditation', 'Chess', 'Nutrition', 'Cooking',
  'Electrical Engineering', 'Mechanical Engineering', 'Civil Engineering', 'Robotics', 'Electronics',
  'Signal Processing', 'Control Systems', 'SAT Prep', 'GRE Prep', 'GMAT Prep', 'IELTS', 'TOEFL',
  'Excel', 'Public Policy', 'Journalism', 'Film Studies', 'Theatre', 'Architecture'
]) AS topic;

CREATE FUNCTION pg_temp.teacher_topics(i int) RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY(SELECT DISTINCT v.topic FROM vocabulary v
                WHERE v.n IN (SELECT (hashtext(i || ':' || k) & 2147483647) % (SELECT count(*) FROM vocabulary)
                                FROM generate_series(1, 2 + i % 3) AS k))
         || ('Topic ' || substr(md5(i::text), 1, 8))
$$;
